import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickWeightedRoundRobin, type Weighted } from '../../src/core/weighted-round-robin.js';

/** Runs `count` picks over a fixed pool, feeding each state into the next pick. */
function run(
  pool: readonly Weighted[],
  count: number,
  start: ReadonlyMap<string, number> = new Map(),
): { picks: string[]; state: ReadonlyMap<string, number> } {
  let state = start;
  const picks: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = pickWeightedRoundRobin(pool, state);
    if (!result) throw new Error('a non-empty pool must always yield a pick');
    picks.push(result.pick);
    state = result.state;
  }
  return { picks, state };
}

function tally(picks: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of picks) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

const totalWeight = (pool: readonly Weighted[]) => pool.reduce((sum, a) => sum + a.weight, 0);

/** A pool of 1–6 agents with distinct ids and weights 1–10. */
const poolArb = fc
  .uniqueArray(fc.stringMatching(/^U[A-Z0-9]{3,6}$/), { minLength: 1, maxLength: 6 })
  .chain((ids) =>
    fc
      .array(fc.integer({ min: 1, max: 10 }), { minLength: ids.length, maxLength: ids.length })
      .map((weights) => ids.map((id, i) => ({ id, weight: weights[i] ?? 1 }))),
  );

describe('pickWeightedRoundRobin', () => {
  it('returns nothing for an empty pool', () => {
    expect(pickWeightedRoundRobin([], new Map())).toBeUndefined();
  });

  it('always picks the only candidate', () => {
    const { picks } = run([{ id: 'U0DANA001', weight: 3 }], 5);
    expect(picks).toEqual(Array(5).fill('U0DANA001'));
  });

  it('rotates equal weights in list order, starting with the first', () => {
    const pool = [
      { id: 'A', weight: 1 },
      { id: 'B', weight: 1 },
      { id: 'C', weight: 1 },
    ];
    expect(run(pool, 6).picks).toEqual(['A', 'B', 'C', 'A', 'B', 'C']);
  });

  it('interleaves a heavy agent rather than handing it leads in a run', () => {
    // nginx-style smooth WRR: weights 5/1/1 give A A B A C A A, never A×5 then B, C.
    const pool = [
      { id: 'A', weight: 5 },
      { id: 'B', weight: 1 },
      { id: 'C', weight: 1 },
    ];
    expect(run(pool, 7).picks.join('')).toBe('AABACAA');
  });

  it('is deterministic: the same pool and state give the same pick', () => {
    const pool = [
      { id: 'A', weight: 2 },
      { id: 'B', weight: 3 },
    ];
    const state = new Map([
      ['A', 1],
      ['B', -1],
    ]);
    expect(pickWeightedRoundRobin(pool, state)).toEqual(pickWeightedRoundRobin(pool, state));
  });

  it('does not mutate the state it was given', () => {
    const state = new Map([['A', 0]]);
    pickWeightedRoundRobin([{ id: 'A', weight: 1 }], state);
    expect([...state]).toEqual([['A', 0]]);
  });

  it('lists every other candidate in nextInLine, in the order the rotation reaches them', () => {
    const pool = [
      { id: 'A', weight: 1 },
      { id: 'B', weight: 1 },
      { id: 'C', weight: 1 },
    ];
    const first = pickWeightedRoundRobin(pool, new Map());
    expect(first?.pick).toBe('A');
    expect(first?.nextInLine).toEqual(['B', 'C']);
    // If the pick passes, the chain offers nextInLine in order: that must match what the rotation would do.
    const { picks } = run(pool, 3);
    expect([first?.pick, ...(first?.nextInLine ?? [])]).toEqual(picks);
  });

  it('counts the new state around zero: the counters of the pool always sum to zero', () => {
    const pool = [
      { id: 'A', weight: 3 },
      { id: 'B', weight: 2 },
      { id: 'C', weight: 1 },
    ];
    const { state } = run(pool, 4);
    expect([...state.values()].reduce((a, b) => a + b, 0)).toBe(0);
  });

  describe('properties', () => {
    it('over any number of whole rounds, each agent gets exactly weight × rounds leads', () => {
      fc.assert(
        fc.property(poolArb, fc.integer({ min: 1, max: 5 }), (pool, rounds) => {
          const counts = tally(run(pool, totalWeight(pool) * rounds).picks);
          for (const agent of pool) expect(counts.get(agent.id) ?? 0).toBe(agent.weight * rounds);
        }),
      );
    });

    it('over any window of whole rounds starting after k whole rounds, the proportions are exact', () => {
      fc.assert(
        fc.property(
          poolArb,
          fc.integer({ min: 0, max: 4 }),
          fc.integer({ min: 1, max: 3 }),
          (pool, k, rounds) => {
            const w = totalWeight(pool);
            const { picks } = run(pool, w * (k + rounds));
            const counts = tally(picks.slice(w * k));
            for (const agent of pool) expect(counts.get(agent.id) ?? 0).toBe(agent.weight * rounds);
          },
        ),
      );
    });

    it('over any window of whole rounds at ANY offset, the proportions are exact (the rotation is periodic)', () => {
      fc.assert(
        fc.property(poolArb, fc.nat(), fc.integer({ min: 1, max: 3 }), (pool, offsetSeed, rounds) => {
          const w = totalWeight(pool);
          const offset = offsetSeed % (3 * w);
          const { picks } = run(pool, offset + w * rounds);
          const counts = tally(picks.slice(offset));
          for (const agent of pool) expect(counts.get(agent.id) ?? 0).toBe(agent.weight * rounds);
        }),
      );
    });

    it('after any history of skips (sub-pools), a window of whole rounds is within one lead per agent', () => {
      // Zip preference and availability pick from sub-pools; the full pool must stay fair afterwards.
      fc.assert(
        fc.property(
          poolArb,
          fc.array(fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), { maxLength: 40 }),
          fc.integer({ min: 1, max: 3 }),
          (pool, history, rounds) => {
            let state: ReadonlyMap<string, number> = new Map();
            for (const mask of history) {
              const subPool = pool.filter((_, i) => mask[i]);
              state = pickWeightedRoundRobin(subPool, state)?.state ?? state;
            }
            const counts = tally(run(pool, totalWeight(pool) * rounds, state).picks);
            for (const agent of pool) {
              const deviation = Math.abs((counts.get(agent.id) ?? 0) - agent.weight * rounds);
              expect(deviation).toBeLessThanOrEqual(1);
            }
          },
        ),
      );
    });

    it('never picks an agent outside the candidates, even when the state knows other agents', () => {
      fc.assert(
        fc.property(
          poolArb,
          fc.dictionary(fc.stringMatching(/^U[A-Z0-9]{3,6}$/), fc.integer({ min: -50, max: 50 })),
          (pool, stored) => {
            const result = pickWeightedRoundRobin(pool, new Map(Object.entries(stored)));
            const ids = pool.map((a) => a.id);
            expect(ids).toContain(result?.pick);
            expect(result?.nextInLine.every((id) => ids.includes(id))).toBe(true);
            expect(new Set([result?.pick, ...(result?.nextInLine ?? [])]).size).toBe(pool.length);
          },
        ),
      );
    });

    it('leaves the counters of agents not among the candidates untouched (a skip costs no turn)', () => {
      fc.assert(
        fc.property(
          poolArb,
          fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 6, maxLength: 6 }),
          fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
          (pool, values, mask) => {
            const state = new Map(pool.map((a, i) => [a.id, values[i] ?? 0]));
            const candidates = pool.filter((_, i) => mask[i]);
            fc.pre(candidates.length > 0);
            const result = pickWeightedRoundRobin(candidates, state);
            for (const agent of pool) {
              if (candidates.includes(agent)) continue;
              expect(result?.state.get(agent.id)).toBe(state.get(agent.id));
            }
          },
        ),
      );
    });
  });

  it('gives weight 2 twice the leads of weight 1 over 300 picks', () => {
    const pool = [
      { id: 'U0DANA001', weight: 2 },
      { id: 'U0MARCO01', weight: 1 },
    ];
    const counts = tally(run(pool, 300).picks);
    expect(counts.get('U0DANA001')).toBe(200);
    expect(counts.get('U0MARCO01')).toBe(100);
  });

  it('a skipped agent resumes its turn where it left off', () => {
    const dana = { id: 'D', weight: 1 };
    const marco = { id: 'M', weight: 1 };
    const priya = { id: 'P', weight: 1 };
    // D is picked; then M is away for two picks; when M returns, M is next — the skip cost no turn.
    let state = run([dana, marco, priya], 1).state;
    state = run([dana, priya], 2, state).state;
    expect(pickWeightedRoundRobin([dana, marco, priya], state)?.pick).toBe('M');
  });
});
