/**
 * The engine lease, as pure decisions: which process may run the engine (sweep, post to Slack,
 * deliver the outbox) at a given moment. The store (src/engine/lease.ts) runs the one guarded
 * statement; everything it decides about time is here, with `now` passed in.
 */

export interface LeaseTiming {
  /** How long a taken or renewed lease lasts in the database. */
  ttlMs: number;
  /** How often the holder renews it (and a process without it tries to take it). */
  renewEveryMs: number;
  /**
   * The holder stops calling out this long before its lease runs out in the database, so a call it
   * checked just before has left before anyone else may take over (it also absorbs a little clock
   * skew between processes).
   */
  marginMs: number;
}

/**
 * 6 s lease, renewed every second, acted on for at most 4 s after the last renewal: a holder that
 * dies is replaced within 7 s (its lease runs out, then the next try of another process, at most a
 * second later), and a holder may miss three renewals in a row (a busy disk, a long sweep slice)
 * before it stops posting.
 */
export const LEASE_TIMING: LeaseTiming = { ttlMs: 6_000, renewEveryMs: 1_000, marginMs: 2_000 };

/** The lease as the database holds it. */
export interface LeaseRow {
  holder: string;
  expiresAt: Date;
  acquiredAt: Date;
}

/**
 * What this process knows it holds: `term` names one unbroken tenure (the time it took the lease,
 * kept across renewals), so work begun in a tenure that ended is never finished in the next one.
 */
export interface HeldLease {
  term: number;
  expiresAt: Date;
}

/** The expiry a renewal or a takeover at `now` writes. */
export function leaseExpiry(now: Date, timing: LeaseTiming = LEASE_TIMING): Date {
  return new Date(now.getTime() + timing.ttlMs);
}

/**
 * Whether `me` may take or renew the lease as it stands: it is free, it is mine, or its holder let
 * it run out. The store's upsert says the same in SQL, in one statement (`… where holder = me or
 * expires_at < now`); this is its specification, checked against it in the unit tests.
 */
export function mayTake(row: LeaseRow | undefined, me: string, now: Date): boolean {
  return row === undefined || row.holder === me || row.expiresAt.getTime() < now.getTime();
}

/**
 * Whether the holder may call an outside system at `now`: only while its last renewal is good for
 * longer than the margin. Checked in memory right before every call, so a process that was frozen
 * (or whose renewals failed) past that point does not post on waking.
 */
export function mayAct(
  held: HeldLease | null,
  now: Date,
  timing: LeaseTiming = LEASE_TIMING,
): held is HeldLease {
  return held !== null && now.getTime() < held.expiresAt.getTime() - timing.marginMs;
}

/**
 * Whether to ask the database now, outside the regular renewal: this process may not act on what
 * it knows, and its last try is at least a renewal interval old. Bounded so a process without the
 * lease does not take SQLite's write lock on every kick.
 */
export function shouldTryRenewal(
  held: HeldLease | null,
  lastTryAt: Date | null,
  now: Date,
  timing: LeaseTiming = LEASE_TIMING,
): boolean {
  if (mayAct(held, now, timing)) return false;
  return lastTryAt === null || now.getTime() - lastTryAt.getTime() >= timing.renewEveryMs;
}

/** What a try to take or renew the lease did, for the log and to start or park the engine. */
export type LeaseChange = 'took' | 'kept' | 'lost' | 'none';

/**
 * Compares what this process could do before a try with what it can do after: `took` starts the
 * engine (a new term: nothing begun before carries over), `lost` parks it.
 */
export function leaseChange(before: HeldLease | null, after: HeldLease | null): LeaseChange {
  if (after && before?.term === after.term) return 'kept';
  if (after) return 'took';
  return before ? 'lost' : 'none';
}
