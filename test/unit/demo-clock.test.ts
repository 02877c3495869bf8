import { describe, expect, it } from 'vitest';
import { DemoClock, demoStart, nextEvening } from '../../src/demo/clock.js';
import { EXAMPLES, exampleLead, person } from '../../src/demo/examples.js';

const ZONE = 'America/Chicago';

describe('the demo clock (only `lead-dispatch demo` has one)', () => {
  it('runs at the chosen speed from where it is, and jumps only forward', () => {
    let real = 1_000_000;
    const clock = new DemoClock(new Date('2026-11-25T16:40:00Z'), () => real);
    real += 1000;
    expect(clock.now().toISOString()).toBe('2026-11-25T16:40:01.000Z');
    clock.setSpeed(60);
    real += 1000;
    expect(clock.now().toISOString()).toBe('2026-11-25T16:41:01.000Z');
    clock.setSpeed(10);
    real += 500;
    expect(clock.now().toISOString()).toBe('2026-11-25T16:41:06.000Z');
    expect(clock.jumpTo(new Date('2026-11-25T17:00:00Z')).toISOString()).toBe('2026-11-25T17:00:00.000Z');
    // A deadline already passed never takes the clock back.
    expect(clock.jumpTo(new Date('2026-11-25T16:00:00Z')).toISOString()).toBe('2026-11-25T17:00:00.000Z');
    expect(clock.speed).toBe(10);
  });

  it('starts in working time: now on a weekday between 9 and 4, else the next weekday at 9:30 AM', () => {
    const wednesdayMorning = new Date('2026-11-25T16:40:00Z');
    expect(demoStart(wednesdayMorning, ZONE)).toEqual(wednesdayMorning);
    // Tuesday 8 PM in Austin → Wednesday 9:30 AM CST.
    expect(demoStart(new Date('2026-11-25T02:00:00Z'), ZONE).toISOString()).toBe('2026-11-25T15:30:00.000Z');
    // Early Wednesday → the same morning.
    expect(demoStart(new Date('2026-11-25T12:00:00Z'), ZONE).toISOString()).toBe('2026-11-25T15:30:00.000Z');
    // Saturday noon → Monday 9:30 AM.
    expect(demoStart(new Date('2026-11-28T18:00:00Z'), ZONE).toISOString()).toBe('2026-11-30T15:30:00.000Z');
  });

  it('finds the next weekday 9:30 PM for the after-hours example, or stays on the evening it is', () => {
    expect(nextEvening(new Date('2026-11-25T16:40:00Z'), ZONE).toISOString()).toBe(
      '2026-11-26T03:30:00.000Z',
    );
    // Saturday 10 PM → Monday evening, not the weekend.
    expect(nextEvening(new Date('2026-11-29T04:00:00Z'), ZONE).toISOString()).toBe(
      '2026-12-01T03:30:00.000Z',
    );
    // Already there (the example clicked twice): the same evening, not a day later.
    expect(nextEvening(new Date('2026-11-26T03:30:00Z'), ZONE).toISOString()).toBe(
      '2026-11-26T03:30:00.000Z',
    );
    expect(nextEvening(new Date('2026-11-26T03:30:07Z'), ZONE).toISOString()).toBe(
      '2026-11-26T03:30:07.000Z',
    );
  });
});

describe('the demo examples', () => {
  it('makes a lead for every example, each from a new person but "the same person again"', () => {
    const lastZillow = person(1);
    const leads = EXAMPLES.map((e, i) => exampleLead(e.id, i + 2, lastZillow));
    for (const lead of leads)
      expect(lead).toMatchObject({ source: expect.any(String), externalId: expect.any(String) });
    expect(new Set(leads.map((l) => l?.externalId)).size).toBe(EXAMPLES.length);
    const again = leads[EXAMPLES.findIndex((e) => e.id === 'same-person')];
    expect(again).toMatchObject({ source: 'realtor.com', phone: lastZillow.phone, email: lastZillow.email });
    expect(exampleLead('nonsense', 1, lastZillow)).toBeUndefined();
  });
});
