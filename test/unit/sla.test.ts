import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleConfig, WeeklyHours } from '../../src/config/dispatch-schema.js';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { formatDuration, formatMeasured, parseDuration } from '../../src/core/duration.js';
import { describeSla, offerDeadline, type SlaSpec, slaSpecOf } from '../../src/core/sla.js';

const WEEKDAYS: WeeklyHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };
const EVERY_DAY: WeeklyHours['days'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const business = (seconds: number): SlaSpec => ({ kind: 'duration', seconds, clock: 'business_hours' });
const always = (seconds: number): SlaSpec => ({ kind: 'duration', seconds, clock: 'always' });
const EOBD: SlaSpec = { kind: 'end_of_business_day' };

const deadline = (spec: SlaSpec, at: string, zone = 'America/Chicago', hours = WEEKDAYS) =>
  offerDeadline(spec, new Date(at), hours, zone).toISOString();

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['5m', 300],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['2d', 172_800],
    ['1d2h3m4s', 93_784],
    [' 15M ', 900],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '5', '5 minutes', '0m', '-5m', 'm', '1.5h', 'h1'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatMeasured', () => {
  it.each([
    [45, '45 s'],
    [750, '13 min'],
    [749, '12 min'],
    [9630, '2 h 41 min'],
  ])('shows a measured %d s as %j, to the nearest minute', (seconds, text) => {
    expect(formatMeasured(seconds)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [38, '38 s'],
    [59.4, '59 s'],
    [59.6, '1 min'],
    [60, '1 min'],
    [300, '5 min'],
    [5400, '1 h 30 min'],
    [7200, '2 h'],
    [90_000, '1 d 1 h'],
    [-5, '0 s'],
  ])('shows %d s as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('slaSpecOf and describeSla', () => {
  const config = parseDispatchConfig(`
team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1, default_sla: 20m }
agents: [{ id: U0A, name: A, roles: [isa] }]
rules:
  - { name: no-sla, assign: { strategy: role, role: isa } }
  - { name: five-minutes, assign: { strategy: role, role: isa }, sla: 5m }
  - { name: two-business-hours, assign: { strategy: role, role: isa }, sla: { within: 2h, clock: business_hours } }
  - { name: ninety-always, assign: { strategy: role, role: isa }, sla: { within: 90m } }
  - { name: same-day, assign: { strategy: role, role: isa }, sla: end_of_business_day }
`);
  const rule = (name: string): RuleConfig => {
    const found = config.rules.find((r) => r.name === name);
    if (!found) throw new Error(name);
    return found;
  };
  const spec = (name: string) => slaSpecOf(rule(name), config.team.default_sla);

  it.each([
    ['no-sla', always(1200), '20 min'],
    ['five-minutes', always(300), '5 min'],
    ['two-business-hours', business(7200), '2 h of business hours'],
    ['ninety-always', always(5400), '90 min'],
    ['same-day', EOBD, 'same business day'],
  ])('rule %s: %o, shown as %j', (name, expected, text) => {
    expect(spec(name)).toEqual(expected);
    expect(describeSla(spec(name))).toBe(text);
  });
});

describe('offerDeadline', () => {
  describe('always clock', () => {
    it('adds the duration to the offer time, whatever the hour or day', () => {
      // Saturday 23:58 Chicago: the clock does not care about business hours.
      expect(deadline(always(300), '2026-03-15T04:58:00Z')).toBe('2026-03-15T05:03:00.000Z');
    });

    it('counts real elapsed time across the spring-forward gap', () => {
      // 01:50 CST + 20 min = 03:10 CDT (02:00–03:00 does not exist).
      expect(deadline(always(1200), '2026-03-08T07:50:00Z')).toBe('2026-03-08T08:10:00.000Z');
    });
  });

  describe('business-hours clock', () => {
    it('runs inside one working day', () => {
      // Tuesday 10:00 CDT + 2 business hours = 12:00 CDT.
      expect(deadline(business(7200), '2026-03-10T15:00:00Z')).toBe('2026-03-10T17:00:00.000Z');
    });

    it('ends exactly at closing time when the time fits to the minute', () => {
      expect(deadline(business(3600), '2026-03-10T21:00:00Z')).toBe('2026-03-10T22:00:00.000Z');
    });

    it('pauses overnight: Tuesday 16:30 + 2 h = Wednesday 10:30', () => {
      expect(deadline(business(7200), '2026-03-10T21:30:00Z')).toBe('2026-03-11T15:30:00.000Z');
    });

    it('starts the clock at opening time for an offer made before hours', () => {
      // Tuesday 06:00 CDT → 09:00 + 1 h = 10:00 CDT.
      expect(deadline(business(3600), '2026-03-10T11:00:00Z')).toBe('2026-03-10T15:00:00.000Z');
    });

    it('skips the weekend: Friday 16:00 + 2 h = Monday 10:00', () => {
      // 13 March 2026 is a Friday; Monday is 16 March (CDT both days).
      expect(deadline(business(7200), '2026-03-13T21:00:00Z')).toBe('2026-03-16T15:00:00.000Z');
    });

    it('starts Monday morning for an offer made on Saturday', () => {
      expect(deadline(business(1800), '2026-03-14T18:00:00Z')).toBe('2026-03-16T14:30:00.000Z');
    });

    it('spans several days for a long SLA: 1 d of business hours is three 8-hour days', () => {
      // Monday 09:00 CDT + 24 business hours = Wednesday 17:00 CDT.
      expect(deadline(business(86_400), '2026-03-16T14:00:00Z')).toBe('2026-03-18T22:00:00.000Z');
    });

    it.each([
      // Friday 6 March 16:00 EST, 1 h on Friday; clocks spring forward Sunday 8 March; Monday 09:00 EDT + 1 h.
      ['America/New_York', 'spring', '2026-03-06T21:00:00Z', '2026-03-09T14:00:00.000Z'],
      ['America/Los_Angeles', 'spring', '2026-03-07T00:00:00Z', '2026-03-09T17:00:00.000Z'],
      // Friday 30 October 16:00 EDT; clocks fall back Sunday 1 November; Monday 09:00 EST + 1 h.
      ['America/New_York', 'fall', '2026-10-30T20:00:00Z', '2026-11-02T15:00:00.000Z'],
      ['America/Los_Angeles', 'fall', '2026-10-30T23:00:00Z', '2026-11-02T18:00:00.000Z'],
    ])('keeps local opening hours across the %s %s DST weekend', (zone, _season, at, expected) => {
      expect(deadline(business(7200), at, zone)).toBe(expected);
    });

    it.each([
      // Sunday is a business day here; on 8 March 09:00 is EDT (UTC−4), a week earlier EST (UTC−5).
      ['America/New_York', '2026-03-08T13:00:00Z', '2026-03-08T14:00:00.000Z'],
      ['America/Los_Angeles', '2026-03-08T16:00:00Z', '2026-03-08T17:00:00.000Z'],
      // On 1 November 09:00 is back on standard time.
      ['America/New_York', '2026-11-01T14:00:00Z', '2026-11-01T15:00:00.000Z'],
      ['America/Los_Angeles', '2026-11-01T17:00:00Z', '2026-11-01T18:00:00.000Z'],
    ])('opens at 09:00 local on the DST Sunday itself in %s', (zone, opening, expected) => {
      const hours = { days: EVERY_DAY, start: '09:00', end: '17:00' };
      // Offered at 07:00 local, before opening: deadline is opening + 1 h.
      const before = new Date(Date.parse(opening) - 2 * 3_600_000).toISOString();
      expect(deadline(business(3600), before, zone, hours)).toBe(expected);
    });

    it('counts elapsed time through a business window that contains the fall-back hour', () => {
      // Sunday 1 Nov, window 00:00–04:00 New York lasts 5 real hours (01:00–02:00 happens twice).
      const hours = { days: ['sun' as const], start: '00:00', end: '04:00' };
      expect(deadline(business(4.5 * 3600), '2026-11-01T04:00:00Z', 'America/New_York', hours)).toBe(
        '2026-11-01T08:30:00.000Z',
      );
    });

    it('continues an overnight window that opened the day before (22:00–06:00)', () => {
      // Wednesday 02:00 CDT is inside Tuesday night's window: 1 business hour → 03:00 CDT.
      const night = { days: EVERY_DAY, start: '22:00', end: '06:00' };
      expect(deadline(business(3600), '2026-06-10T07:00:00Z', 'America/Chicago', night)).toBe(
        '2026-06-10T08:00:00.000Z',
      );
    });

    it('never makes a window longer than its hours when opening time falls in the spring-forward gap', () => {
      // Window 02:30–03:30 New York; on 8 March 02:30 does not exist. Whatever that day's window is,
      // a 1 h business SLA offered at 01:00 EST cannot be due before Monday's window.
      const hours = { days: EVERY_DAY, start: '02:30', end: '03:30' };
      const due = Date.parse(deadline(business(3600), '2026-03-08T06:00:00Z', 'America/New_York', hours));
      expect(due).toBeGreaterThanOrEqual(Date.parse('2026-03-09T06:30:00Z'));
      expect(due).toBeLessThanOrEqual(Date.parse('2026-03-09T07:30:00Z'));
    });

    it('falls back to wall-clock time when the business hours never open', () => {
      // Cannot happen with a valid config (days needs one entry); guarded so a deadline always exists.
      const never = { days: [], start: '09:00', end: '17:00' } as unknown as WeeklyHours;
      expect(deadline(business(600), '2026-03-10T15:00:00Z', 'America/Chicago', never)).toBe(
        '2026-03-10T15:10:00.000Z',
      );
    });
  });

  describe('end of business day', () => {
    it.each([
      ['before hours (Tuesday 07:00)', '2026-03-10T12:00:00Z', '2026-03-10T22:00:00.000Z'],
      ['during hours (Tuesday 13:00)', '2026-03-10T18:00:00Z', '2026-03-10T22:00:00.000Z'],
      ['one minute before close', '2026-03-10T21:59:00Z', '2026-03-10T22:00:00.000Z'],
      ['at closing time (Tuesday 17:00)', '2026-03-10T22:00:00Z', '2026-03-11T22:00:00.000Z'],
      ['after hours (Tuesday 20:00)', '2026-03-11T01:00:00Z', '2026-03-11T22:00:00.000Z'],
      ['after hours on Friday', '2026-03-14T01:00:00Z', '2026-03-16T22:00:00.000Z'],
      ['on a Sunday', '2026-03-15T17:00:00Z', '2026-03-16T22:00:00.000Z'],
    ])('%s is due at the close of that or the next business day', (_label, at, expected) => {
      expect(deadline(EOBD, at)).toBe(expected);
    });

    it('closes at 17:00 local on the first business day after a DST change', () => {
      // Saturday 7 March (EST) → Monday 9 March 17:00 EDT = 21:00Z.
      expect(deadline(EOBD, '2026-03-07T15:00:00Z', 'America/New_York')).toBe('2026-03-09T21:00:00.000Z');
      // Saturday 31 October (PDT) → Monday 2 November 17:00 PST = 01:00Z the next day.
      expect(deadline(EOBD, '2026-10-31T18:00:00Z', 'America/Los_Angeles')).toBe('2026-11-03T01:00:00.000Z');
    });

    it('ends an overnight business day at its closing time the next morning', () => {
      // Wednesday 02:00 CDT is inside Tuesday night's 22:00–06:00 window: due 06:00 CDT that morning.
      const night = { days: EVERY_DAY, start: '22:00', end: '06:00' };
      expect(deadline(EOBD, '2026-06-10T07:00:00Z', 'America/Chicago', night)).toBe(
        '2026-06-10T11:00:00.000Z',
      );
    });
  });

  describe('properties', () => {
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const hoursArb = fc.record({
      days: fc.subarray([...EVERY_DAY], { minLength: 1 }),
      start: hhmm,
      end: hhmm,
    });
    const specArb: fc.Arbitrary<SlaSpec> = fc.oneof(
      fc.constant(EOBD),
      fc.record({
        kind: fc.constant('duration' as const),
        seconds: fc.integer({ min: 1, max: 5 * 86_400 }),
        clock: fc.constantFrom('always' as const, 'business_hours' as const),
      }),
    );
    const zoneArb = fc.constantFrom('America/New_York', 'America/Chicago', 'America/Los_Angeles', 'UTC');
    // 2026 and 2027, which include every DST change of both years.
    const instantArb = fc
      .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') })
      .map((ms) => new Date(ms));

    it('a deadline is never before the offer time', () => {
      fc.assert(
        fc.property(specArb, instantArb, hoursArb, zoneArb, (spec, at, hours, zone) => {
          expect(offerDeadline(spec, at, hours, zone).getTime()).toBeGreaterThanOrEqual(at.getTime());
        }),
        { numRuns: 1000 },
      );
    });

    it('a business-hours deadline is never sooner than the same wall-clock duration', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5 * 86_400 }),
          instantArb,
          hoursArb,
          zoneArb,
          (seconds, at, hours, zone) => {
            const due = offerDeadline(business(seconds), at, hours, zone).getTime();
            expect(due - at.getTime()).toBeGreaterThanOrEqual(seconds * 1000);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
