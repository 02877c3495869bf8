export interface Weighted {
  id: string;
  weight: number;
}

export interface RoundRobinPick {
  pick: string;
  /** The full state after the pick; agents outside `candidates` keep their value, so a skip costs no turn. */
  state: Map<string, number>;
  /** The other candidates, in the order the rotation would reach them next. */
  nextInLine: string[];
}

/**
 * Smooth weighted round robin (as in nginx): every pick adds each candidate's weight to its
 * counter, takes the highest and subtracts the total from the winner. Over any whole round of
 * sum(weights) picks each candidate is chosen exactly `weight` times, interleaved rather than
 * in runs, and ties break by list order so the result is deterministic.
 */
export function pickWeightedRoundRobin(
  candidates: readonly Weighted[],
  state: ReadonlyMap<string, number>,
): RoundRobinPick | undefined {
  if (candidates.length === 0) return undefined;
  const next = new Map(state);
  let total = 0;
  let best: Weighted | undefined;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const c of candidates) {
    const value = (next.get(c.id) ?? 0) + c.weight;
    next.set(c.id, value);
    total += c.weight;
    if (value > bestValue) {
      best = c;
      bestValue = value;
    }
  }
  if (!best) return undefined;
  next.set(best.id, bestValue - total);
  const winner = best.id;
  const nextInLine = candidates
    .filter((c) => c.id !== winner)
    .map((c, order) => ({ id: c.id, order, value: (next.get(c.id) ?? 0) + c.weight }))
    .sort((a, b) => b.value - a.value || a.order - b.order)
    .map((c) => c.id);
  return { pick: winner, state: next, nextInLine };
}
