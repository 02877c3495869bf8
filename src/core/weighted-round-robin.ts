export interface Weighted {
  id: string;
  weight: number;
}

export interface RoundRobinPick {
  pick: string;
  /** The full state after the pick; agents outside the pool keep their value. */
  state: Map<string, number>;
  /** The other candidates, in the order the rotation would reach them next. */
  nextInLine: string[];
}

/**
 * Smooth weighted round robin (as in nginx): every pick adds each candidate's weight to its
 * counter, takes the highest and subtracts the total from the winner. Over any whole round of
 * sum(weights) picks each candidate is chosen exactly `weight` times, interleaved rather than
 * in runs, and ties break by list order so the result is deterministic.
 *
 * `waiting` are pool members who cannot take this lead (away, off hours, at a cap). They keep
 * moving with the rotation, so a skip does not cost them their turn, but only until their turn is
 * due: there they wait, so they are first when back and a long absence brings no flood of leads.
 */
export function pickWeightedRoundRobin(
  candidates: readonly Weighted[],
  state: ReadonlyMap<string, number>,
  waiting: readonly Weighted[] = [],
): RoundRobinPick | undefined {
  if (candidates.length === 0) return undefined;
  const next = new Map(state);
  const poolTotal = [...candidates, ...waiting].reduce((sum, c) => sum + c.weight, 0);
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
  for (const w of waiting) {
    // A counter at poolTotal - weight is the highest the rotation ever gives: their turn is due.
    const value = (next.get(w.id) ?? 0) + w.weight;
    if (value > poolTotal - w.weight) continue;
    next.set(w.id, value);
    total += w.weight;
  }
  next.set(best.id, bestValue - total);
  const winner = best.id;
  const nextInLine = candidates
    .filter((c) => c.id !== winner)
    .map((c, order) => ({ id: c.id, order, value: (next.get(c.id) ?? 0) + c.weight }))
    .sort((a, b) => b.value - a.value || a.order - b.order)
    .map((c) => c.id);
  return { pick: winner, state: next, nextInLine };
}
