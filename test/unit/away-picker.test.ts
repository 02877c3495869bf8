import { describe, expect, it } from 'vitest';
import { awayUntilFromPickers } from '../../src/core/away-picker.js';

const NOW = new Date('2026-11-25T16:40:00Z'); // Wednesday 10:40 AM in Chicago
const CHICAGO = 'America/Chicago';

describe('awayUntilFromPickers', () => {
  it.each([
    [null, null, null],
    ['2026-11-27', '14:00', '2026-11-27T20:00:00.000Z'],
    ['2026-11-27', null, '2026-11-27T15:00:00.000Z'],
    [null, '17:30', '2026-11-25T23:30:00.000Z'],
    ['2027-02-01', '08:15', '2027-02-01T14:15:00.000Z'],
  ])('date %s, time %s → back at %s', (date, time, until) => {
    const picked = awayUntilFromPickers(date, time, CHICAGO, NOW);
    expect(picked).toEqual({ ok: true, until: until === null ? null : new Date(until) });
  });

  it.each([
    ['2026-11-25', '09:00', 'back_time', 'That time has already passed. Pick a later one.'],
    [null, '10:00', 'back_time', 'That time has already passed. Pick a later one.'],
    ['2026-11-20', null, 'back_date', 'That time has already passed. Pick a later one.'],
    ['2027-06-01', null, 'back_date', 'Pick a date within 90 days.'],
    ['not-a-date', null, 'back_date', 'Pick a date from the calendar.'],
  ])('refuses date %s, time %s on %s', (date, time, field, message) => {
    expect(awayUntilFromPickers(date, time, CHICAGO, NOW)).toEqual({ ok: false, field, message });
  });

  it('reads the pickers in the agent’s own zone', () => {
    expect(awayUntilFromPickers('2026-11-27', '14:00', 'America/Los_Angeles', NOW)).toEqual({
      ok: true,
      until: new Date('2026-11-27T22:00:00.000Z'),
    });
  });
});
