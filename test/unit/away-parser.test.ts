import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AWAY_MAX_DAYS,
  AWAY_USAGE,
  type AwayParse,
  formatBack,
  parseAway,
} from '../../src/core/away-parser.js';

const CHI = 'America/Chicago';
const NYC = 'America/New_York';
const LAX = 'America/Los_Angeles';
const LON = 'Europe/London';

/** Wednesday, Dec 2 2026, 12:00 noon CST. */
const CHI_NOON = '2026-12-02T18:00:00Z';
/** Wednesday, Dec 2 2026, 12:00 noon EST. */
const NYC_NOON = '2026-12-02T17:00:00Z';
/** Wednesday, Jun 10 2026, 9:00 AM PDT. */
const LAX_MORNING = '2026-06-10T16:00:00Z';
/** Friday, Jul 3 2026, 1:00 PM BST. */
const LON_FRIDAY = '2026-07-03T12:00:00Z';

interface Accepted {
  text: string;
  zone: string;
  now: string;
  until: string | null;
  reason?: string;
  target?: string;
}

const at = (
  text: string,
  zone: string,
  now: string,
  until: string | null,
  extra: Partial<Accepted> = {},
) => ({
  text,
  zone,
  now,
  until,
  ...extra,
});

function expectOk(result: AwayParse): Extract<AwayParse, { ok: true }> {
  if (!result.ok) throw new Error(`expected a window, got ${result.error}: ${result.message}`);
  return result;
}

const ACCEPTED: Accepted[] = [
  // Open-ended: nothing, a target alone, or a reason that says it has no end.
  at('', CHI, CHI_NOON, null),
  at('   ', CHI, CHI_NOON, null),
  at('- at a closing', CHI, CHI_NOON, null, { reason: 'at a closing' }),
  at('until back dentist', CHI, CHI_NOON, null, { reason: 'dentist' }),
  at('until /back', CHI, CHI_NOON, null),
  // Lengths of time count from now.
  at('2h', CHI, CHI_NOON, '2026-12-02T20:00:00.000Z'),
  at('90m', CHI, CHI_NOON, '2026-12-02T19:30:00.000Z'),
  at('1h30m', CHI, CHI_NOON, '2026-12-02T19:30:00.000Z'),
  at('1h 30m', CHI, CHI_NOON, '2026-12-02T19:30:00.000Z'),
  at('1h30', CHI, CHI_NOON, '2026-12-02T19:30:00.000Z'),
  at('45 min', CHI, CHI_NOON, '2026-12-02T18:45:00.000Z'),
  at('2 hours', CHI, CHI_NOON, '2026-12-02T20:00:00.000Z'),
  at('2 hrs 15 mins', CHI, CHI_NOON, '2026-12-02T20:15:00.000Z'),
  at('in 2 hours', CHI, CHI_NOON, '2026-12-02T20:00:00.000Z'),
  at('for an hour', CHI, CHI_NOON, '2026-12-02T19:00:00.000Z'),
  at('half an hour', CHI, CHI_NOON, '2026-12-02T18:30:00.000Z'),
  at('for 2 days', CHI, CHI_NOON, '2026-12-04T18:00:00.000Z'),
  at('90 days', CHI, CHI_NOON, '2027-03-02T18:00:00.000Z'),
  at('for 3 weeks', LAX, LAX_MORNING, '2026-07-01T16:00:00.000Z'),
  // Clock times today.
  at('until 3pm', CHI, CHI_NOON, '2026-12-02T21:00:00.000Z'),
  at('until 3:30pm', CHI, CHI_NOON, '2026-12-02T21:30:00.000Z'),
  at('until 3:30 PM', CHI, CHI_NOON, '2026-12-02T21:30:00.000Z'),
  at('until 15:30', CHI, CHI_NOON, '2026-12-02T21:30:00.000Z'),
  at('till 5pm', CHI, CHI_NOON, '2026-12-02T23:00:00.000Z'),
  at('until 3pm CST', CHI, CHI_NOON, '2026-12-02T21:00:00.000Z'),
  at('until 5pm', NYC, NYC_NOON, '2026-12-02T22:00:00.000Z'),
  at('until 09:00', NYC, '2026-12-02T11:00:00Z', '2026-12-02T14:00:00.000Z'),
  at('until 2:30pm', LAX, LAX_MORNING, '2026-06-10T21:30:00.000Z'),
  at('until 17:30', LON, LON_FRIDAY, '2026-07-03T16:30:00.000Z'),
  // Days: 9:00 AM local unless a time is given.
  at('until friday', CHI, CHI_NOON, '2026-12-04T15:00:00.000Z'),
  at('until Friday 5pm', NYC, NYC_NOON, '2026-12-04T22:00:00.000Z'),
  at('until monday', CHI, CHI_NOON, '2026-12-07T15:00:00.000Z'),
  at('until thursday', LAX, LAX_MORNING, '2026-06-11T16:00:00.000Z'),
  at('until friday', LON, LON_FRIDAY, '2026-07-10T08:00:00.000Z'),
  at('until monday', LON, LON_FRIDAY, '2026-07-06T08:00:00.000Z'),
  at('until friday dec 4', CHI, CHI_NOON, '2026-12-04T15:00:00.000Z'),
  at('until dec 24', CHI, CHI_NOON, '2026-12-24T15:00:00.000Z'),
  at('until December 24th', CHI, CHI_NOON, '2026-12-24T15:00:00.000Z'),
  at('until dec 24 5pm', CHI, CHI_NOON, '2026-12-24T23:00:00.000Z'),
  at('until 12/24', CHI, CHI_NOON, '2026-12-24T15:00:00.000Z'),
  at('until jan 5', CHI, CHI_NOON, '2027-01-05T15:00:00.000Z'),
  at('until 2026-12-24 17:00', CHI, CHI_NOON, '2026-12-24T23:00:00.000Z'),
  at('until jun 30 17:00', LAX, LAX_MORNING, '2026-07-01T00:00:00.000Z'),
  at('until tomorrow', CHI, CHI_NOON, '2026-12-03T15:00:00.000Z'),
  at('until tomorrow 2pm', CHI, CHI_NOON, '2026-12-03T20:00:00.000Z'),
  at('until noon tomorrow', CHI, CHI_NOON, '2026-12-03T18:00:00.000Z'),
  at('tomorrow', CHI, CHI_NOON, '2026-12-03T15:00:00.000Z'),
  at('tomorrow', LAX, LAX_MORNING, '2026-06-11T16:00:00.000Z'),
  at('today', CHI, CHI_NOON, '2026-12-03T15:00:00.000Z'),
  at('for the day', CHI, CHI_NOON, '2026-12-03T15:00:00.000Z'),
  at('rest of the day', CHI, CHI_NOON, '2026-12-03T15:00:00.000Z'),
  at('for the rest of the day', NYC, NYC_NOON, '2026-12-03T14:00:00.000Z'),
  at('for the weekend', LON, LON_FRIDAY, '2026-07-06T08:00:00.000Z'),
  at('this weekend', CHI, '2026-12-06T18:00:00Z', '2026-12-07T15:00:00.000Z'),
  // A reason anywhere.
  at('90m showing 12 Elm St', CHI, CHI_NOON, '2026-12-02T19:30:00.000Z', { reason: 'showing 12 Elm St' }),
  at('showing 12 Elm St for 90m', CHI, CHI_NOON, '2026-12-02T19:30:00.000Z', { reason: 'showing 12 Elm St' }),
  at('until 3pm dentist', CHI, CHI_NOON, '2026-12-02T21:00:00.000Z', { reason: 'dentist' }),
  at('dentist until 3pm', CHI, CHI_NOON, '2026-12-02T21:00:00.000Z', { reason: 'dentist' }),
  at('until 3 pm, showing', CHI, CHI_NOON, '2026-12-02T21:00:00.000Z', { reason: 'showing' }),
  at('2h - closing on 5th Ave', CHI, CHI_NOON, '2026-12-02T20:00:00.000Z', { reason: 'closing on 5th Ave' }),
  at('open house 2h at 12 Elm', CHI, CHI_NOON, '2026-12-02T20:00:00.000Z', {
    reason: 'open house at 12 Elm',
  }),
  at('kid’s recital for the rest of the day', LON, LON_FRIDAY, '2026-07-04T08:00:00.000Z', {
    reason: "kid's recital",
  }),
  // Someone else, as Slack escapes a mention in slash-command text.
  at('<@U0DANA001> until monday', CHI, CHI_NOON, '2026-12-07T15:00:00.000Z', { target: 'U0DANA001' }),
  at('<@U0DANA001|dana> 2h closing', CHI, CHI_NOON, '2026-12-02T20:00:00.000Z', {
    target: 'U0DANA001',
    reason: 'closing',
  }),
  at('<@W0DANA001>', CHI, CHI_NOON, null, { target: 'W0DANA001' }),
  at('<@U0DANA001|dana> - sick', CHI, CHI_NOON, null, { target: 'U0DANA001', reason: 'sick' }),
];

const DST: Accepted[] = [
  // 1:30 AM EST on Sun Mar 8 2026; clocks jump 2:00 → 3:00 EDT.
  at('until 9am', NYC, '2026-03-08T06:30:00Z', '2026-03-08T13:00:00.000Z'),
  at('until 3am', NYC, '2026-03-08T06:30:00Z', '2026-03-08T07:00:00.000Z'),
  at('90m', NYC, '2026-03-08T06:30:00Z', '2026-03-08T08:00:00.000Z'),
  // Saturday evening before it, EST.
  at('until tomorrow 9am', NYC, '2026-03-07T23:00:00Z', '2026-03-08T13:00:00.000Z'),
  at('tomorrow', NYC, '2026-03-07T23:00:00Z', '2026-03-08T13:00:00.000Z'),
  at('until monday', NYC, '2026-03-07T23:00:00Z', '2026-03-09T13:00:00.000Z'),
  // Sat Oct 31 2026, 5:00 PM CDT; clocks go back on Nov 1.
  at('until tomorrow 9am', CHI, '2026-10-31T22:00:00Z', '2026-11-01T15:00:00.000Z'),
  at('until 2am', NYC, '2026-11-01T04:00:00Z', '2026-11-01T07:00:00.000Z'),
  // Sat Mar 28 2026 noon GMT; the UK goes to BST on Mar 29.
  at('until tomorrow 10am', LON, '2026-03-28T12:00:00Z', '2026-03-29T09:00:00.000Z'),
  at('for the weekend', LON, '2026-03-28T12:00:00Z', '2026-03-30T08:00:00.000Z'),
];

describe('parseAway accepts', () => {
  it.each([...ACCEPTED, ...DST])('$text ($zone at $now)', ({ text, zone, now, until, reason, target }) => {
    const result = expectOk(parseAway(text, new Date(now), zone));
    if (until === null) {
      expect(result.kind).toBe('until_back');
    } else {
      expect(result.kind).toBe('until');
      expect(result.kind === 'until' ? result.until.toISOString() : null).toBe(until);
    }
    expect(result.reason).toBe(reason ?? null);
    expect(result.target).toBe(target ?? null);
  });
});

interface Refused {
  text: string;
  zone: string;
  now: string;
  error: 'unparseable' | 'in_the_past' | 'too_far';
  says?: string;
}

const no = (text: string, error: Refused['error'], says?: string, zone = CHI, now = CHI_NOON): Refused => ({
  text,
  zone,
  now,
  error,
  ...(says === undefined ? {} : { says }),
});

const REFUSED: Refused[] = [
  no('banana', 'unparseable', '/away - banana'),
  no('until someday', 'unparseable'),
  no('until 25pm', 'unparseable'),
  no('2x', 'unparseable'),
  no('until', 'unparseable'),
  no('for lunch', 'unparseable'),
  // Not what the user said, so not guessed at.
  no('until 3:30', 'unparseable', 'am or pm'),
  no('until 10:00', 'unparseable', 'am or pm'),
  no('until dec 24 at 5', 'unparseable', 'am or pm'),
  no('until friday 5', 'unparseable'),
  no('until next friday', 'unparseable', 'dec 11'),
  no('until this friday', 'unparseable'),
  no('until friday next week', 'unparseable'),
  no('until the weekend', 'unparseable'),
  no('until dec 32', 'unparseable'),
  no('until 1/2', 'unparseable', 'jan 2'),
  no('until tonight', 'unparseable'),
  no('until midnight', 'unparseable'),
  no('until this afternoon', 'unparseable'),
  no('until 3pm-4pm', 'unparseable', 'range'),
  no('until in 2 hours', 'unparseable', '/away 2h'),
  no('until 2026-13-01', 'unparseable'),
  no('until 2026-12-24 25:00', 'unparseable'),
  no("until dec 24 '26", 'unparseable'),
  no('until friday dec 5', 'unparseable', 'Saturday'),
  no('until 3pmish', 'unparseable'),
  no('until 3pm EST', 'unparseable', 'time zone'),
  no('friday', 'unparseable', '/away until friday'),
  no('3pm', 'unparseable', '/away until 3pm'),
  no('tomorrow 3pm', 'unparseable', 'one'),
  no('2h until 3pm', 'unparseable', 'more than one time'),
  no('90m showing friday', 'unparseable'),
  no('2h 3h', 'unparseable'),
  no('1.5h', 'unparseable'),
  no('0m', 'unparseable', 'at least a minute'),
  no('for the weekend', 'unparseable', 'until monday'),
  no('@dana until monday', 'unparseable', '@dana'),
  no('until monday <@U0DANA001>', 'unparseable', 'person first'),
  no('<@U0DANA001> <@U0BOB0002> 2h', 'unparseable', 'person first'),
  // Wall-clock times that do not exist, or exist twice.
  no('until 2:30am', 'unparseable', 'jump forward', NYC, '2026-03-08T06:30:00Z'),
  no('until 2026-03-08 02:30', 'unparseable', 'jump forward', NYC, '2026-03-07T23:00:00Z'),
  no('until 1:30am', 'unparseable', 'twice', NYC, '2026-11-01T04:00:00Z'),
  // Past and too far.
  no('until 3pm', 'in_the_past', 'Wed, Dec 2 at 3:00 PM (CST)', CHI, '2026-12-02T22:00:00Z'),
  no('until 11am', 'in_the_past', '11:00 AM'),
  no('until today', 'in_the_past', '9:00 AM'),
  no('until 2020-01-01', 'in_the_past', 'Wed, Jan 1, 2020 at 9:00 AM (CST)'),
  no('until yesterday', 'in_the_past'),
  no('until 2027-12-24', 'too_far', '90 days'),
  no('91 days', 'too_far'),
  no('until dec 1', 'too_far', 'Wed, Dec 1, 2027'),
  no('until 9am', 'in_the_past', '9:00 AM', LAX, LAX_MORNING),
];

describe('parseAway refuses', () => {
  it.each(REFUSED)('$text ($error)', ({ text, zone, now, error, says }) => {
    const result = parseAway(text, new Date(now), zone);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(error);
    if (says !== undefined) expect(result.message).toContain(says);
    if (error === 'unparseable') expect(result.message).toContain(AWAY_USAGE);
  });

  it('throws on a zone that is not IANA, which is the caller’s mistake', () => {
    expect(() => parseAway('2h', new Date(CHI_NOON), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('AWAY_USAGE', () => {
  it('documents the examples and the rules for days', () => {
    for (const example of [
      '/away 2h',
      '/away until 3pm',
      '/away until friday',
      '/away for the weekend',
      '/back',
    ]) {
      expect(AWAY_USAGE).toContain(example);
    }
    expect(AWAY_USAGE).toContain('9:00 AM');
  });
});

describe('formatBack', () => {
  it.each([
    ['2026-12-04T23:00:00Z', CHI, CHI_NOON, 'Fri, Dec 4 at 5:00 PM (CST)'],
    ['2026-12-04T22:00:00Z', NYC, NYC_NOON, 'Fri, Dec 4 at 5:00 PM (EST)'],
    ['2026-06-11T16:00:00Z', LAX, LAX_MORNING, 'Thu, Jun 11 at 9:00 AM (PDT)'],
    ['2026-07-06T08:00:00Z', LON, LON_FRIDAY, 'Mon, Jul 6 at 9:00 AM (BST)'],
    ['2026-12-07T09:30:00Z', LON, CHI_NOON, 'Mon, Dec 7 at 9:30 AM (GMT)'],
    ['2026-03-08T13:00:00Z', NYC, '2026-03-08T06:30:00Z', 'Sun, Mar 8 at 9:00 AM (EDT)'],
    ['2027-01-05T15:00:00Z', CHI, CHI_NOON, 'Tue, Jan 5, 2027 at 9:00 AM (CST)'],
    ['2026-12-03T03:30:00Z', 'Asia/Kolkata', CHI_NOON, 'Thu, Dec 3 at 9:00 AM (IST)'],
    ['2026-12-03T00:00:00Z', 'Asia/Tokyo', CHI_NOON, 'Thu, Dec 3 at 9:00 AM (GMT+9)'],
  ])('%s in %s (now %s) is %j', (until, zone, now, text) => {
    expect(formatBack(new Date(until), zone, new Date(now))).toBe(text);
  });

  it('matches the window parseAway returns', () => {
    const now = new Date(CHI_NOON);
    const result = expectOk(parseAway('until friday 5pm showing', now, CHI));
    expect(result.kind === 'until' ? formatBack(result.until, CHI, now) : null).toBe(
      'Fri, Dec 4 at 5:00 PM (CST)',
    );
  });
});

describe('parseAway does not depend on the server’s time zone', () => {
  it.each(['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu'])(
    'with TZ=%s',
    (serverZone) => {
      const saved = process.env.TZ;
      const texts = [
        'until 9am',
        'until tomorrow',
        'until friday',
        'until apr 24',
        'today',
        'until today 5pm',
      ];
      const read = () =>
        texts.map((text) => {
          const result = parseAway(text, new Date('2026-03-08T06:30:00Z'), NYC);
          return result.ok && result.kind === 'until'
            ? result.until.toISOString()
            : result.ok
              ? 'open'
              : result.error;
        });
      const expected = read();
      try {
        process.env.TZ = serverZone;
        expect(read()).toEqual(expected);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
      expect(expected).toEqual([
        '2026-03-08T13:00:00.000Z',
        '2026-03-09T13:00:00.000Z',
        '2026-03-13T13:00:00.000Z',
        '2026-04-24T13:00:00.000Z',
        '2026-03-09T13:00:00.000Z',
        '2026-03-08T21:00:00.000Z',
      ]);
    },
  );
});

const ZONES = [CHI, NYC, LAX, LON, 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
const nowArb = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
});

describe('parseAway properties', () => {
  it('Nm is exactly now + N minutes, never in the past, wherever and whenever', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        nowArb,
        fc.constantFrom(...ZONES),
        fc.constantFrom('', ' showing 12 Elm St'),
        (minutes, now, zone, reason) => {
          const result = expectOk(parseAway(`${minutes}m${reason}`, now, zone));
          expect(result.kind).toBe('until');
          if (result.kind !== 'until') return;
          expect(result.until.getTime()).toBe(now.getTime() + minutes * 60_000);
          expect(result.until.getTime()).toBeGreaterThan(now.getTime());
          expect(result.reason).toBe(reason === '' ? null : reason.trim());
        },
      ),
    );
  });

  it('any accepted window ends after now and within the limit; nothing throws', () => {
    const words = fc.constantFrom(
      'until',
      'for',
      '3pm',
      '15:30',
      '9',
      'friday',
      'next',
      'dec 24',
      'tomorrow',
      'today',
      'the weekend',
      '2h',
      '90m',
      '12 Elm St',
      'showing',
      '-',
      '2026-12-24',
      '17:00',
      'noon',
      'at',
      '<@U0DANA001>',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(words, { maxLength: 5 }).map((w) => w.join(' ')),
          fc.string({ maxLength: 30 }),
        ),
        nowArb,
        fc.constantFrom(...ZONES),
        (text, now, zone) => {
          const result = parseAway(text, now, zone);
          if (!result.ok) {
            expect(result.message.length).toBeGreaterThan(0);
            return;
          }
          if (result.kind !== 'until') return;
          expect(result.until.getTime()).toBeGreaterThan(now.getTime());
          expect(result.until.getTime()).toBeLessThanOrEqual(
            now.getTime() + (AWAY_MAX_DAYS + 1) * 86_400_000,
          );
        },
      ),
    );
  });
});
