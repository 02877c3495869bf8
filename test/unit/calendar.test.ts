import { describe, expect, it } from 'vitest';
import { busyIntervals, type CalendarParse } from '../../src/core/calendar.js';

const CHICAGO = `BEGIN:VTIMEZONE
TZID:America/Chicago
X-LIC-LOCATION:America/Chicago
BEGIN:DAYLIGHT
TZOFFSETFROM:-0600
TZOFFSETTO:-0500
TZNAME:CDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0500
TZOFFSETTO:-0600
TZNAME:CST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE`;

const calendar = (...parts: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//calendar//EN', ...parts, 'END:VCALENDAR'].join('\n');

let uid = 0;
const event = (...lines: string[]) =>
  ['BEGIN:VEVENT', `UID:event-${++uid}@test`, 'SUMMARY:Busy', ...lines, 'END:VEVENT'].join('\n');

const busy = (ics: string, from: string, to: string) => busyIntervals(ics, new Date(from), new Date(to));

/** The busy intervals as ISO pairs; fails the test if parsing failed. */
const spans = (result: CalendarParse): string[][] => {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.busy.map((b) => [b.startsAt.toISOString(), b.endsAt.toISOString()]);
};

const WEEK = ['2026-03-02T00:00:00Z', '2026-03-09T00:00:00Z'] as const;

describe('busyIntervals: single events', () => {
  it('reads a UTC event', () => {
    const ics = calendar(event('DTSTART:20260303T150000Z', 'DTEND:20260303T160000Z'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-03T15:00:00.000Z', '2026-03-03T16:00:00.000Z']]);
  });

  it('resolves a TZID against the VTIMEZONE in the file on both sides of the November DST change', () => {
    const ics = calendar(
      CHICAGO,
      event('DTSTART;TZID=America/Chicago:20261031T090000', 'DTEND;TZID=America/Chicago:20261031T100000'),
      event('DTSTART;TZID=America/Chicago:20261102T090000', 'DTEND;TZID=America/Chicago:20261102T100000'),
    );
    expect(spans(busy(ics, '2026-10-30T00:00:00Z', '2026-11-05T00:00:00Z'))).toEqual([
      ['2026-10-31T14:00:00.000Z', '2026-10-31T15:00:00.000Z'], // CDT, UTC-5
      ['2026-11-02T15:00:00.000Z', '2026-11-02T16:00:00.000Z'], // CST, UTC-6
    ]);
  });

  it('keeps a recurring local-time meeting at 9:00 wall clock across the DST change', () => {
    const ics = calendar(
      CHICAGO,
      event(
        'DTSTART;TZID=America/Chicago:20261030T090000',
        'DTEND;TZID=America/Chicago:20261030T093000',
        'RRULE:FREQ=DAILY;COUNT=4',
      ),
    );
    expect(spans(busy(ics, '2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z')).map(([start]) => start)).toEqual([
      '2026-10-30T14:00:00.000Z',
      '2026-10-31T14:00:00.000Z',
      '2026-11-01T15:00:00.000Z',
      '2026-11-02T15:00:00.000Z',
    ]);
  });

  it('reads floating times (no zone) as UTC unless told the owner’s zone', () => {
    const ics = calendar(event('DTSTART:20260303T150000', 'DTEND:20260303T160000'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-03T15:00:00.000Z', '2026-03-03T16:00:00.000Z']]);
    expect(spans(busyIntervals(ics, new Date(WEEK[0]), new Date(WEEK[1]), 'America/Chicago'))).toEqual([
      ['2026-03-03T21:00:00.000Z', '2026-03-03T22:00:00.000Z'],
    ]);
  });

  it('ignores TRANSP:TRANSPARENT (shown as free) events', () => {
    const ics = calendar(event('DTSTART:20260303T150000Z', 'DTEND:20260303T160000Z', 'TRANSP:TRANSPARENT'));
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
  });

  it('ignores STATUS:CANCELLED events but keeps tentative ones', () => {
    const ics = calendar(
      event('DTSTART:20260303T150000Z', 'DTEND:20260303T160000Z', 'STATUS:CANCELLED'),
      event('DTSTART:20260304T150000Z', 'DTEND:20260304T160000Z', 'STATUS:TENTATIVE', 'TRANSP:OPAQUE'),
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-04T15:00:00.000Z', '2026-03-04T16:00:00.000Z']]);
  });

  it('uses DURATION when there is no DTEND', () => {
    const ics = calendar(event('DTSTART:20260303T150000Z', 'DURATION:PT1H30M'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-03T15:00:00.000Z', '2026-03-03T16:30:00.000Z']]);
  });

  it('ignores zero-length timed events (no DTEND, no DURATION)', () => {
    const ics = calendar(event('DTSTART:20260303T150000Z'));
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
  });

  it('ignores events without a DTSTART', () => {
    const ics = calendar(event('DTEND:20260303T160000Z'));
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
  });
});

describe('busyIntervals: all-day events', () => {
  it('spans the whole UTC day', () => {
    const ics = calendar(event('DTSTART;VALUE=DATE:20260304', 'DTEND;VALUE=DATE:20260305'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z']]);
  });

  it('spans several days, DTEND being exclusive', () => {
    const ics = calendar(event('DTSTART;VALUE=DATE:20260304', 'DTEND;VALUE=DATE:20260307'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-04T00:00:00.000Z', '2026-03-07T00:00:00.000Z']]);
  });

  it('covers the owner’s own day when told their zone, across a DST change', () => {
    const ics = calendar(event('DTSTART;VALUE=DATE:20260307', 'DTEND;VALUE=DATE:20260309'));
    const result = busyIntervals(ics, new Date(WEEK[0]), new Date('2026-03-12T00:00:00Z'), 'America/Chicago');
    // Saturday 00:00 CST to Monday 00:00 CDT: the clocks sprang forward on Sunday the 8th.
    expect(spans(result)).toEqual([['2026-03-07T06:00:00.000Z', '2026-03-09T05:00:00.000Z']]);
  });

  it('reads a TZID the feed does not define as that IANA zone, else in the owner’s zone', () => {
    const ics = calendar(
      event('DTSTART;TZID=America/New_York:20260303T090000', 'DTEND;TZID=America/New_York:20260303T100000'),
      event('DTSTART;TZID=Custom Zone:20260304T090000', 'DTEND;TZID=Custom Zone:20260304T100000'),
    );
    expect(spans(busyIntervals(ics, new Date(WEEK[0]), new Date(WEEK[1]), 'America/Chicago'))).toEqual([
      ['2026-03-03T14:00:00.000Z', '2026-03-03T15:00:00.000Z'],
      ['2026-03-04T15:00:00.000Z', '2026-03-04T16:00:00.000Z'],
    ]);
  });

  it('lasts one day when there is no DTEND', () => {
    const ics = calendar(event('DTSTART;VALUE=DATE:20260304'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z']]);
  });
});

describe('busyIntervals: range', () => {
  it('excludes events outside the range, including ones that only touch its edges', () => {
    const ics = calendar(
      event('DTSTART:20260301T100000Z', 'DTEND:20260301T110000Z'), // the day before
      event('DTSTART:20260301T230000Z', 'DTEND:20260302T000000Z'), // ends exactly at `from`
      event('DTSTART:20260309T000000Z', 'DTEND:20260309T010000Z'), // starts exactly at `to`
      event('DTSTART:20260320T100000Z', 'DTEND:20260320T110000Z'), // weeks later
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
  });

  it('returns an event that only partly overlaps the range whole, not clipped to the range', () => {
    const ics = calendar(
      event('DTSTART:20260301T220000Z', 'DTEND:20260302T020000Z'),
      event('DTSTART:20260308T230000Z', 'DTEND:20260309T030000Z'),
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([
      ['2026-03-01T22:00:00.000Z', '2026-03-02T02:00:00.000Z'],
      ['2026-03-08T23:00:00.000Z', '2026-03-09T03:00:00.000Z'],
    ]);
  });

  it('sorts by start and merges intervals that overlap or touch, but not ones with a gap', () => {
    const ics = calendar(
      event('DTSTART:20260305T150000Z', 'DTEND:20260305T160000Z'),
      event('DTSTART:20260303T153000Z', 'DTEND:20260303T170000Z'), // overlaps the next one
      event('DTSTART:20260303T150000Z', 'DTEND:20260303T160000Z'),
      event('DTSTART:20260303T170000Z', 'DTEND:20260303T173000Z'), // touches the merged block
      event('DTSTART:20260303T160000Z', 'DTEND:20260303T163000Z'), // inside the merged block
      event('DTSTART:20260303T173100Z', 'DTEND:20260303T180000Z'), // one minute gap
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([
      ['2026-03-03T15:00:00.000Z', '2026-03-03T17:30:00.000Z'],
      ['2026-03-03T17:31:00.000Z', '2026-03-03T18:00:00.000Z'],
      ['2026-03-05T15:00:00.000Z', '2026-03-05T16:00:00.000Z'],
    ]);
  });
});

describe('busyIntervals: recurrence', () => {
  const weekly = [
    'DTSTART:20260105T150000Z',
    'DTEND:20260105T160000Z',
    'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231T235959Z',
  ];

  it('expands a weekly rule only inside the range', () => {
    const ics = calendar(event(...weekly));
    expect(spans(busy(ics, '2026-03-02T00:00:00Z', '2026-03-16T00:00:00Z'))).toEqual([
      ['2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z'],
      ['2026-03-04T15:00:00.000Z', '2026-03-04T16:00:00.000Z'],
      ['2026-03-09T15:00:00.000Z', '2026-03-09T16:00:00.000Z'],
      ['2026-03-11T15:00:00.000Z', '2026-03-11T16:00:00.000Z'],
    ]);
  });

  it('honours COUNT and UNTIL', () => {
    const ics = calendar(
      event('DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'RRULE:FREQ=DAILY;COUNT=3'),
      event('DTSTART:20260302T120000Z', 'DTEND:20260302T130000Z', 'RRULE:FREQ=DAILY;UNTIL=20260303T120000Z'),
    );
    expect(spans(busy(ics, ...WEEK)).map(([start]) => start)).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T12:00:00.000Z',
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T12:00:00.000Z',
      '2026-03-04T09:00:00.000Z',
    ]);
  });

  it('drops an occurrence removed by EXDATE', () => {
    const ics = calendar(event(...weekly, 'EXDATE:20260304T150000Z'));
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z']]);
  });

  it('drops an occurrence removed by a TZID EXDATE', () => {
    const ics = calendar(
      CHICAGO,
      event(
        'DTSTART;TZID=America/Chicago:20260105T090000',
        'DTEND;TZID=America/Chicago:20260105T100000',
        'RRULE:FREQ=WEEKLY;BYDAY=MO,WE',
        'EXDATE;TZID=America/Chicago:20260302T090000,20260304T090000',
      ),
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
  });

  it('moves one occurrence to the time given by its RECURRENCE-ID override', () => {
    const ics = calendar(
      `BEGIN:VEVENT\nUID:standup\n${weekly.join('\n')}\nEND:VEVENT`,
      'BEGIN:VEVENT\nUID:standup\nRECURRENCE-ID:20260304T150000Z\nDTSTART:20260305T180000Z\nDTEND:20260305T190000Z\nEND:VEVENT',
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([
      ['2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z'],
      ['2026-03-05T18:00:00.000Z', '2026-03-05T19:00:00.000Z'],
    ]);
  });

  it('counts an occurrence moved into the range from outside it, and not one moved out', () => {
    const ics = calendar(
      `BEGIN:VEVENT\nUID:standup\n${weekly.join('\n')}\nEND:VEVENT`,
      // next Monday's occurrence pulled into this week; this Wednesday's pushed out
      'BEGIN:VEVENT\nUID:standup\nRECURRENCE-ID:20260309T150000Z\nDTSTART:20260306T150000Z\nDTEND:20260306T160000Z\nEND:VEVENT',
      'BEGIN:VEVENT\nUID:standup\nRECURRENCE-ID:20260304T150000Z\nDTSTART:20260311T150000Z\nDTEND:20260311T160000Z\nEND:VEVENT',
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([
      ['2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z'],
      ['2026-03-06T15:00:00.000Z', '2026-03-06T16:00:00.000Z'],
    ]);
  });

  it('drops one occurrence cancelled by its override, keeping the rest of the series', () => {
    const ics = calendar(
      `BEGIN:VEVENT\nUID:standup\n${weekly.join('\n')}\nEND:VEVENT`,
      'BEGIN:VEVENT\nUID:standup\nRECURRENCE-ID:20260302T150000Z\nDTSTART:20260302T150000Z\nDTEND:20260302T160000Z\nSTATUS:CANCELLED\nEND:VEVENT',
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-04T15:00:00.000Z', '2026-03-04T16:00:00.000Z']]);
  });

  it('applies an override only to the series with the same UID', () => {
    const ics = calendar(
      `BEGIN:VEVENT\nUID:a\n${weekly.join('\n')}\nEND:VEVENT`,
      // a second series at the same times, whose Monday is cancelled
      'BEGIN:VEVENT\nUID:b\nDTSTART:20260105T150000Z\nDTEND:20260105T160000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT',
      'BEGIN:VEVENT\nUID:b\nRECURRENCE-ID:20260302T150000Z\nDTSTART:20260302T150000Z\nDTEND:20260302T160000Z\nSTATUS:CANCELLED\nEND:VEVENT',
    );
    expect(spans(busy(ics, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'))).toEqual([
      ['2026-03-02T15:00:00.000Z', '2026-03-02T16:00:00.000Z'],
    ]);
  });

  it('counts an override whose series is not in the feed (a single shared instance)', () => {
    const ics = calendar(
      'BEGIN:VEVENT\nUID:elsewhere\nRECURRENCE-ID:20260303T150000Z\nDTSTART:20260303T160000Z\nDTEND:20260303T170000Z\nEND:VEVENT',
    );
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-03T16:00:00.000Z', '2026-03-03T17:00:00.000Z']]);
  });

  it('expands a never-ending daily rule quickly when the range is weeks after DTSTART', () => {
    const ics = calendar(event('DTSTART:20260101T140000Z', 'DTEND:20260101T141500Z', 'RRULE:FREQ=DAILY'));
    const started = performance.now();
    const result = spans(busy(ics, '2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(result).toHaveLength(14);
    expect(result[0]).toEqual(['2026-03-01T14:00:00.000Z', '2026-03-01T14:15:00.000Z']);
    expect(result.at(-1)).toEqual(['2026-03-14T14:00:00.000Z', '2026-03-14T14:15:00.000Z']);
  });

  it('gives up on a rule too dense to reach the range instead of hanging', () => {
    const ics = calendar(event('DTSTART:20000101T000000Z', 'DURATION:PT30S', 'RRULE:FREQ=MINUTELY'));
    const started = performance.now();
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('ignores a whole series marked TRANSPARENT', () => {
    const ics = calendar(event(...weekly, 'TRANSP:TRANSPARENT'));
    expect(spans(busy(ics, ...WEEK))).toEqual([]);
  });
});

describe('busyIntervals: feed text', () => {
  it('returns ok with no intervals for an empty VCALENDAR', () => {
    expect(busy(calendar(), ...WEEK)).toEqual({ ok: true, busy: [] });
  });

  it.each([
    ['garbage', 'this is not a calendar'],
    ['an HTML login page', '<!DOCTYPE html><html><body>Sign in</body></html>'],
    ['an empty string', ''],
    ['a vCard', 'BEGIN:VCARD\nVERSION:4.0\nFN:Someone\nEND:VCARD'],
    ['an unclosed VCALENDAR', 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Therapy\nEND:VEVENT'],
  ])('returns ok:false for %s', (_, text) => {
    const result = busyIntervals(text, new Date(WEEK[0]), new Date(WEEK[1]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).not.toMatch(/therapy|sign in|someone/i);
  });

  it('returns ok:false without leaking the summary when an event has a malformed date or rule', () => {
    const malformed = [
      ['DTSTART:tomorrow-ish', 'DTEND:20260303T160000Z'],
      ['DTSTART:20260303T150000Z', 'DTEND:20260303T160000Z', 'RRULE:FREQ=SOMETIMES'],
    ];
    for (const lines of malformed) {
      const ics = calendar(event('SUMMARY:Divorce lawyer', ...lines));
      const result = busy(ics, ...WEEK);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).not.toMatch(/divorce/i);
    }
  });

  it('reads CRLF line endings and folded lines', () => {
    const ics = calendar(
      event(
        'DTSTART:20260303T150000Z',
        'DTEND:20260303T160000Z',
        'DESCRIPTION:a long line that is\n  folded',
      ),
    ).replaceAll('\n', '\r\n');
    expect(spans(busy(ics, ...WEEK))).toEqual([['2026-03-03T15:00:00.000Z', '2026-03-03T16:00:00.000Z']]);
  });

  it('reads a realistic Google Calendar export and returns only times', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
      'VERSION:2.0',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:jane@example.com',
      'X-WR-TIMEZONE:America/Chicago',
      CHICAGO,
      'BEGIN:VEVENT',
      'DTSTART;TZID=America/Chicago:20260105T090000',
      'DTEND;TZID=America/Chicago:20260105T093000',
      'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      'EXDATE;TZID=America/Chicago:20260305T090000',
      'DTSTAMP:20260301T120000Z',
      'UID:7kukuqrfedlm2f9t5vbrt2c2ij@google.com',
      'CREATED:20251201T160000Z',
      'LAST-MODIFIED:20260210T160000Z',
      'SEQUENCE:2',
      'STATUS:CONFIRMED',
      'SUMMARY:Team standup',
      'TRANSP:OPAQUE',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:This is an event reminder',
      'TRIGGER:-P0DT0H10M0S',
      'END:VALARM',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART:20260303T200000Z',
      'DTEND:20260303T210000Z',
      'DTSTAMP:20260301T120000Z',
      'ORGANIZER;CN=jane@example.com:mailto:jane@example.com',
      'UID:1b6n0d7c3q9k4f0ss5tq2m8l1h@google.com',
      'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=jane@',
      ' example.com;X-NUM-GUESTS=0:mailto:jane@example.com',
      'DESCRIPTION:Walkthrough at 12 Elm St\\, bring the keys',
      'LOCATION:12 Elm St\\, Springfield',
      'SEQUENCE:0',
      'STATUS:CONFIRMED',
      'SUMMARY:Showing – 12 Elm St',
      'TRANSP:OPAQUE',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20260306',
      'DTEND;VALUE=DATE:20260307',
      'DTSTAMP:20260301T120000Z',
      'UID:2c7o1e8d4r0l5g1tt6ur3n9m2i@google.com',
      'SUMMARY:Office',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const result = busy(ics, ...WEEK);
    expect(spans(result)).toEqual([
      ['2026-03-02T15:00:00.000Z', '2026-03-02T15:30:00.000Z'],
      ['2026-03-03T15:00:00.000Z', '2026-03-03T15:30:00.000Z'],
      ['2026-03-03T20:00:00.000Z', '2026-03-03T21:00:00.000Z'],
      ['2026-03-04T15:00:00.000Z', '2026-03-04T15:30:00.000Z'],
      ['2026-03-06T15:00:00.000Z', '2026-03-06T15:30:00.000Z'],
    ]);
    expect(JSON.stringify(result)).not.toMatch(/standup|Elm|Office|example\.com/);
  });
});
