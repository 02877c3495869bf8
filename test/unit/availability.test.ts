import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { type AwayWindow, availabilityAt, offHoursOf } from '../../src/core/availability.js';
import { agentIdsOf, isPoolEntry, type RosterAgent, route } from '../../src/core/route.js';
import { EXAMPLE_CONFIG } from '../support/harness.js';

const NOW = new Date('2026-11-25T16:40:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const window = (from: number, to: number | null, endedAt: number | null = null): AwayWindow => ({
  startsAt: at(from),
  endsAt: to === null ? null : at(to),
  endedAt: endedAt === null ? null : at(endedAt),
  reason: null,
});

describe('availabilityAt', () => {
  it.each([
    ['no windows', [], true],
    ['a window around now', [window(-10, 10)], false],
    ['a window that ended', [window(-20, -1)], true],
    ['a window that starts later', [window(5, 60)], true],
    ['an open-ended window', [window(-10, null)], false],
    ['an open-ended window closed by /back', [window(-10, null, -1)], true],
  ] as const)('%s → available %s', (_name, windows, available) => {
    expect(availabilityAt({ active: true }, { windows: windows }, NOW).available).toBe(available);
  });

  it('is back when the last overlapping window ends, and never while an open-ended one is open', () => {
    expect(
      availabilityAt({ active: true }, { windows: [window(-5, 30), window(-5, 90)] }, NOW),
    ).toMatchObject({
      until: at(90),
    });
    expect(
      availabilityAt({ active: true }, { windows: [window(-5, 30), window(-5, null)] }, NOW),
    ).toMatchObject({
      until: null,
    });
  });

  it('an inactive agent is never available', () => {
    expect(availabilityAt({ active: false }, { windows: [] }, NOW)).toEqual({
      available: false,
      why: 'inactive',
    });
  });
});

describe('availabilityAt: working hours and signals', () => {
  const weekdays = {
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '08:00', end: '18:00' }],
    zone: 'America/Chicago',
  };
  const busy = (
    source: 'dnd' | 'status' | 'calendar',
    from: number,
    to: number | null,
    reason: string | null = null,
  ) => ({
    source,
    startsAt: at(from),
    endsAt: to === null ? null : at(to),
    reason,
  });

  it('within working hours and no signal: available', () => {
    expect(availabilityAt({ active: true }, { windows: [], hours: weekdays }, NOW)).toEqual({
      available: true,
    });
  });

  it('outside working hours: off hours, with the next opening in the agent zone', () => {
    const evening = new Date('2026-11-26T01:00:00Z'); // Wed 7 PM in Chicago
    expect(availabilityAt({ active: true }, { windows: [], hours: weekdays }, evening)).toEqual({
      available: false,
      why: 'off_hours',
      opensAt: new Date('2026-11-26T14:00:00Z'),
    });
    const friday = new Date('2026-11-28T00:30:00Z'); // Fri 6:30 PM: next opening Monday
    expect(availabilityAt({ active: true }, { windows: [], hours: weekdays }, friday)).toMatchObject({
      opensAt: new Date('2026-11-30T14:00:00Z'),
    });
  });

  it('the same hours read in another agent zone', () => {
    const la = { ...weekdays, zone: 'America/Los_Angeles' };
    const chicago9am = new Date('2026-11-25T15:00:00Z'); // 7 AM in Los Angeles
    expect(availabilityAt({ active: true }, { windows: [], hours: la }, chicago9am)).toMatchObject({
      why: 'off_hours',
      opensAt: new Date('2026-11-25T16:00:00Z'),
    });
  });

  it('a signal makes them busy until it ends, with its source and reason', () => {
    expect(
      availabilityAt({ active: true }, { windows: [], busy: [busy('status', -5, 30, 'showing')] }, NOW),
    ).toEqual({
      available: false,
      why: 'busy',
      source: 'status',
      until: at(30),
      reason: 'showing',
    });
    expect(availabilityAt({ active: true }, { windows: [], busy: [busy('calendar', 5, 30)] }, NOW)).toEqual({
      available: true,
    });
    expect(
      availabilityAt({ active: true }, { windows: [], busy: [busy('dnd', -5, null)] }, NOW),
    ).toMatchObject({
      source: 'dnd',
      until: null,
    });
  });

  it('what they said comes first: away beats busy beats off hours', () => {
    const evening = new Date('2026-11-26T01:00:00Z');
    const all = {
      windows: [{ startsAt: at(-60), endsAt: null, endedAt: null, reason: 'vacation' }],
      busy: [busy('dnd', -60, 2000)],
      hours: weekdays,
    };
    expect(availabilityAt({ active: true }, all, evening)).toMatchObject({ why: 'away', reason: 'vacation' });
    expect(availabilityAt({ active: true }, { ...all, windows: [] }, evening)).toMatchObject({ why: 'busy' });
    expect(availabilityAt({ active: false }, all, evening)).toEqual({ available: false, why: 'inactive' });
  });
});

describe('routing never offers a lead to an agent who is away, busy or off hours', () => {
  const config = loadDispatchConfig(EXAMPLE_CONFIG);
  const windowArb = fc.record({
    from: fc.integer({ min: -600, max: 600 }),
    length: fc.option(fc.integer({ min: 1, max: 900 })),
  });
  const hoursArb = fc.option(
    fc.record({
      days: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, { minLength: 1 }),
      start: fc.integer({ min: 0, max: 23 }),
      length: fc.integer({ min: 1, max: 23 }),
    }),
  );
  const agentArb = fc.record({
    away: fc.array(windowArb, { maxLength: 2 }),
    busy: fc.array(
      fc.record({ source: fc.constantFrom('dnd', 'status', 'calendar' as const), span: windowArb }),
      {
        maxLength: 2,
      },
    ),
    hours: hoursArb,
  });
  const hhmm = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;

  it('every agent in the chain can take it now; on-duty cover only overrides the clock; a hold waits for a later opening', () => {
    fc.assert(
      fc.property(
        fc.array(agentArb, { minLength: config.agents.length, maxLength: config.agents.length }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.constantFrom('78701', '78704', '78746', '99999'),
        fc.constantFrom('zillow', 'web_form', 'inspection', 'dotloop', 'past_client'),
        // An open-house sign-in is a broadcast to every buyer agent at once (the example's first rule).
        fc.boolean(),
        (perAgent, minuteOfWeek, zip, source, openHouse) => {
          const now = new Date(NOW.getTime() + minuteOfWeek * 60_000);
          const span = (w: { from: number; length: number | null }) => ({
            startsAt: new Date(now.getTime() + w.from * 60_000),
            endsAt: w.length === null ? null : new Date(now.getTime() + (w.from + w.length) * 60_000),
          });
          const states = config.agents.map((a, i) => {
            const spec = perAgent[i];
            const hours = spec?.hours
              ? {
                  weekly: [
                    {
                      days: spec.hours.days,
                      start: hhmm(spec.hours.start),
                      end: hhmm(spec.hours.start + spec.hours.length),
                    },
                  ],
                  zone: 'America/Chicago',
                }
              : null;
            const inputs = {
              windows: (spec?.away ?? []).map((w) => ({ ...span(w), endedAt: null, reason: null })),
              busy: (spec?.busy ?? []).map((b) => ({ source: b.source, ...span(b.span), reason: null })),
              hours,
            };
            return { availability: availabilityAt(a, inputs, now), offHours: offHoursOf(a, inputs, now) };
          });
          const roster: RosterAgent[] = config.agents.map((a, i) => ({
            ...a,
            email: a.email ?? null,
            available: states[i]?.availability.available ?? true,
            offHours: states[i]?.offHours,
          }));
          const decision = route({
            task: {
              type: config.sources[source] ?? 'buyer_lead',
              source,
              zip,
              city: null,
              language: null,
              price: null,
              tags: openHouse ? ['open_house'] : [],
              referringAgent:
                source === 'past_client'
                  ? (config.agents[minuteOfWeek % config.agents.length]?.id ?? null)
                  : null,
            },
            config,
            roster,
            roundRobinState: () => new Map(),
            now,
          });
          const byId = new Map(config.agents.map((a, i) => [a.id, states[i]]));
          for (const entry of decision.chain) {
            // Everyone a broadcast reaches must be able to take it now; only single offers can be cover.
            const onDuty = !isPoolEntry(entry) && entry.onDuty === true;
            for (const id of agentIdsOf(entry)) {
              const state = byId.get(id);
              const a = state?.availability;
              // Cover may be off the clock or in Do Not Disturb, never away, in a meeting or busy by status.
              const onlyTheClock =
                a !== undefined &&
                !a.available &&
                (a.why === 'off_hours' || (a.why === 'busy' && a.source === 'dnd'));
              if (onDuty) expect(a?.available || (state?.offHours !== undefined && onlyTheClock)).toBe(true);
              else expect(a?.available).toBe(true);
            }
          }
          if (decision.kind === 'hold') expect(decision.until.getTime()).toBeGreaterThan(now.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });
});
