import { describe, expect, it } from 'vitest';
import { dndBusy, statusBusy } from '../../src/core/slack-signals.js';

const NOW = new Date('2026-11-25T16:40:00Z');
const S = NOW.getTime() / 1000;
const RULES = { emoji: [':palm_tree:', 'car'], text: ['showing', 'out sick'] };

describe('statusBusy: which Slack statuses mean away', () => {
  it.each([
    ['a listed emoji', { emoji: ':palm_tree:', text: 'Cancun!' }, true],
    ['a listed emoji written without colons in the config', { emoji: ':car:', text: '' }, true],
    ['a listed word, any case', { emoji: '', text: 'Showing 12 Elm St' }, true],
    ['a listed phrase', { emoji: ':face_with_thermometer:', text: 'Out sick today' }, true],
    ['a word that only contains a listed one', { emoji: '', text: 'Reviewing showings feedback' }, false],
    ['an unlisted emoji and text', { emoji: ':coffee:', text: 'Back in 5' }, false],
    ['no status at all', { emoji: '', text: '' }, false],
  ])('%s → away %s', (_name, status, away) => {
    expect(statusBusy({ ...status, expiration: 0 }, RULES, NOW) !== undefined).toBe(away);
  });

  it('runs until the status expires, or with no end when it never does', () => {
    expect(statusBusy({ emoji: ':car:', text: 'Driving', expiration: S + 600 }, RULES, NOW)).toEqual({
      source: 'status',
      startsAt: NOW,
      endsAt: new Date((S + 600) * 1000),
      reason: ':car: Driving',
    });
    expect(statusBusy({ emoji: ':car:', text: '', expiration: 0 }, RULES, NOW)?.endsAt).toBeNull();
  });

  it('a status that has already expired is ignored', () => {
    expect(statusBusy({ emoji: ':car:', text: '', expiration: S - 1 }, RULES, NOW)).toBeUndefined();
  });

  it('a text with regex characters is matched literally', () => {
    const rules = { emoji: [], text: ['(away)'] };
    expect(statusBusy({ emoji: '', text: 'I am (away)', expiration: 0 }, rules, NOW)).toBeDefined();
    expect(statusBusy({ emoji: '', text: 'I am away', expiration: 0 }, rules, NOW)).toBeUndefined();
  });
});

describe('dndBusy: Do Not Disturb from dnd.info', () => {
  it('a snooze runs from now until it ends', () => {
    expect(dndBusy({ snooze_enabled: true, snooze_endtime: S + 1800 }, NOW)).toEqual([
      { source: 'dnd', startsAt: NOW, endsAt: new Date((S + 1800) * 1000), reason: 'notifications paused' },
    ]);
  });

  it('a schedule covers its next window, including one under way', () => {
    const spans = dndBusy({ dnd_enabled: true, next_dnd_start_ts: S - 60, next_dnd_end_ts: S + 3600 }, NOW);
    expect(spans).toEqual([
      {
        source: 'dnd',
        startsAt: new Date((S - 60) * 1000),
        endsAt: new Date((S + 3600) * 1000),
        reason: 'Do Not Disturb schedule',
      },
    ]);
  });

  it('a schedule that is switched off, a finished snooze or nonsense times give nothing', () => {
    expect(dndBusy({ dnd_enabled: false, next_dnd_start_ts: S - 60, next_dnd_end_ts: S + 60 }, NOW)).toEqual(
      [],
    );
    expect(dndBusy({ snooze_enabled: true, snooze_endtime: S - 1 }, NOW)).toEqual([]);
    expect(dndBusy({ dnd_enabled: true, next_dnd_start_ts: S + 60, next_dnd_end_ts: S }, NOW)).toEqual([]);
    expect(dndBusy({}, NOW)).toEqual([]);
  });
});
