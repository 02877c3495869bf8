import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { type AwayWindow, availabilityAt } from '../../src/core/availability.js';
import { type RosterAgent, route } from '../../src/core/route.js';
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
    expect(availabilityAt({ active: true }, windows, NOW).available).toBe(available);
  });

  it('is back when the last overlapping window ends, and never while an open-ended one is open', () => {
    expect(availabilityAt({ active: true }, [window(-5, 30), window(-5, 90)], NOW)).toMatchObject({
      until: at(90),
    });
    expect(availabilityAt({ active: true }, [window(-5, 30), window(-5, null)], NOW)).toMatchObject({
      until: null,
    });
  });

  it('an inactive agent is never available', () => {
    expect(availabilityAt({ active: false }, [], NOW)).toEqual({ available: false, why: 'inactive' });
  });
});

describe('routing never offers a lead to an agent who is away', () => {
  const config = loadDispatchConfig(EXAMPLE_CONFIG);
  const windowArb = fc.record({
    from: fc.integer({ min: -600, max: 600 }),
    length: fc.option(fc.integer({ min: 1, max: 900 })),
  });

  it('whatever the away windows, every agent in the chain is available at the moment of routing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(windowArb, { maxLength: 3 }), {
          minLength: config.agents.length,
          maxLength: config.agents.length,
        }),
        fc.constantFrom('78701', '78704', '78746', '99999'),
        fc.constantFrom('zillow', 'web_form', 'inspection', 'dotloop'),
        (perAgent, zip, source) => {
          const roster: RosterAgent[] = config.agents.map((a, i) => {
            const windows = (perAgent[i] ?? []).map((w) =>
              window(w.from, w.length === null ? null : w.from + w.length),
            );
            return { ...a, email: a.email ?? null, available: availabilityAt(a, windows, NOW).available };
          });
          const decision = route({
            task: {
              type: config.sources[source] ?? 'buyer_lead',
              source,
              zip,
              price: null,
              tags: [],
              referringAgent: null,
            },
            config,
            roster,
            roundRobinState: () => new Map(),
            now: NOW,
          });
          const available = new Set(roster.filter((a) => a.available).map((a) => a.id));
          for (const entry of decision.chain) expect(available.has(entry.agentId)).toBe(true);
        },
      ),
    );
  });
});
