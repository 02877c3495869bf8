/** One away window as the rows hold it. */
export interface AwayWindow {
  startsAt: Date;
  /** Null: until they say /back. */
  endsAt: Date | null;
  /** Set when /back closed the window early. */
  endedAt: Date | null;
  reason: string | null;
}

export type Availability =
  | { available: true }
  | { available: false; why: 'inactive' }
  | { available: false; why: 'away'; until: Date | null; reason: string | null };

export function isWindowOpen(w: AwayWindow, now: Date): boolean {
  const t = now.getTime();
  return (
    w.startsAt.getTime() <= t &&
    (w.endedAt === null || w.endedAt.getTime() > t) &&
    (w.endsAt === null || w.endsAt.getTime() > t)
  );
}

/**
 * Whether an agent can take an offer at `now`. Overlapping windows combine: they are back when
 * the last one ends, and an open-ended window wins.
 */
export function availabilityAt(
  agent: { active: boolean },
  windows: readonly AwayWindow[],
  now: Date,
): Availability {
  if (!agent.active) return { available: false, why: 'inactive' };
  const open = windows.filter((w) => isWindowOpen(w, now));
  if (open.length === 0) return { available: true };
  const openEnded = open.some((w) => w.endsAt === null);
  const until = openEnded ? null : new Date(Math.max(...open.map((w) => w.endsAt?.getTime() ?? 0)));
  const reason = open.find((w) => w.reason)?.reason ?? null;
  return { available: false, why: 'away', until, reason };
}
