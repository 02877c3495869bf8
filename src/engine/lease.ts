import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import {
  type HeldLease,
  LEASE_TIMING,
  type LeaseRow,
  type LeaseTiming,
  leaseChange,
  leaseExpiry,
  mayAct,
  shouldTryRenewal,
} from '../core/lease.js';
import type { Logger } from '../log.js';

const ENGINE = 'engine';

/**
 * What engine loops ask right before they call an outside system. `term()` at the start of a pass,
 * `holds(term)` before each call: false once the lease ran out, or went to another process, or was
 * taken again after a gap (a new term), so a pass begun in one tenure never posts in the next.
 */
export interface LeaseGuard {
  /** The term this process runs the engine in now, or null: it must not call out. */
  term(): number | null;
  holds(term: number): boolean;
}

/** Thrown by the engine's Slack client when a call would leave a process that is not the holder. */
export class NotLeaseHolder extends Error {
  constructor() {
    super('this process does not hold the engine lease');
  }
}

/** The guard's refusal, as thrown or as @slack/web-api wraps it (a request error with `original`). */
export function isNotLeaseHolder(error: unknown): boolean {
  if (error instanceof NotLeaseHolder) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    'original' in error &&
    error.original instanceof NotLeaseHolder
  );
}

/**
 * The engine's `fetch` for its Slack client: the last check, inside the client's queue right before
 * the request leaves, so even a call that waited in the queue while the lease ran out is not sent.
 */
export function leasedFetch(lease: LeaseGuard, fetchFn: typeof fetch): typeof fetch {
  return (input, init) =>
    lease.term() === null ? Promise.reject(new NotLeaseHolder()) : fetchFn(input, init);
}

/** `host:pid:random`: a restarted process that got the same pid is still someone else. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Who holds the lease, for /healthz. */
export interface LeaseStatus {
  thisProcess: 'running' | 'standby';
  /** This process's id, so the holder named below can be told apart from it. */
  id: string;
  holder: string | null;
  expiresInSeconds: number | null;
  heldForSeconds: number | null;
}

/**
 * The engine lease in SQLite (table `leases`, one row): taken and renewed by one guarded upsert,
 * so of any number of processes on one database exactly one runs the engine. What this process
 * last won is kept in memory, and the in-memory check (core/lease.ts `mayAct`) is what guards each
 * outside call: cheap, and right even when the process was frozen past its lease.
 */
export class EngineLease implements LeaseGuard {
  private held: HeldLease | null = null;
  private lastTryAt: Date | null = null;
  private readonly take: Database.Statement<
    [{ holder: string; expiresAt: number; now: number }],
    { acquiredAt: number }
  >;
  private readonly drop: Database.Statement<[number, string]>;
  private readonly read: Database.Statement<[], { holder: string; expiresAt: number; acquiredAt: number }>;

  constructor(
    sqlite: Database.Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly id: string = newHolderId(),
    readonly timing: LeaseTiming = LEASE_TIMING,
  ) {
    // The whole decision in one statement (SQLite runs it under its write lock): insert the row,
    // or take it over when it is ours or has run out; a new holder's term begins now.
    this.take = sqlite.prepare(
      `insert into leases (name, holder, expires_at, acquired_at) values ('${ENGINE}', @holder, @expiresAt, @now)
         on conflict (name) do update set
           acquired_at = case when leases.holder = excluded.holder then leases.acquired_at
                              else excluded.acquired_at end,
           holder = excluded.holder,
           expires_at = excluded.expires_at
         where leases.holder = excluded.holder or leases.expires_at < @now
       returning acquired_at as acquiredAt`,
    );
    this.drop = sqlite.prepare(`update leases set expires_at = ? where name = '${ENGINE}' and holder = ?`);
    this.read = sqlite.prepare(
      `select holder, expires_at as expiresAt, acquired_at as acquiredAt from leases where name = '${ENGINE}'`,
    );
  }

  /**
   * Takes or renews the lease (the engine's heartbeat calls this every `renewEveryMs`). A failed
   * statement (a locked or full disk) keeps what was held: it runs out on its own, and the
   * in-memory check stops this process from posting when it does.
   */
  renew(): void {
    const now = this.clock.now();
    this.lastTryAt = now;
    const expiresAt = leaseExpiry(now, this.timing);
    let after: HeldLease | null;
    try {
      const row = this.take.get({ holder: this.id, expiresAt: expiresAt.getTime(), now: now.getTime() });
      after = row ? { term: row.acquiredAt, expiresAt } : null;
    } catch (error) {
      this.log.warn('could not renew the engine lease; retrying', { error: String(error) });
      return;
    }
    const change = leaseChange(this.held, after);
    this.held = after;
    if (change === 'took') this.log.info('this process runs the engine now', { holder: this.id });
    if (change === 'lost')
      this.log.warn('another process took the engine lease; this one only takes requests now', {
        holder: this.id,
        now: this.read.get()?.holder,
      });
  }

  term(): number | null {
    const now = this.clock.now();
    // Outside the heartbeat (a kick, a test clock moved on): ask the database, at most once a renewal interval.
    if (shouldTryRenewal(this.held, this.lastTryAt, now, this.timing)) this.renew();
    return mayAct(this.held, now, this.timing) ? this.held.term : null;
  }

  holds(term: number): boolean {
    return this.term() === term;
  }

  /** On a clean stop: the next process takes over at once instead of waiting out the lease. */
  release(): void {
    this.held = null;
    try {
      this.drop.run(0, this.id);
    } catch (error) {
      this.log.warn('could not release the engine lease; it runs out by itself', { error: String(error) });
    }
  }

  status(): LeaseStatus {
    const now = this.clock.now();
    const row = this.row();
    const running = mayAct(this.held, now, this.timing);
    const current = row && row.expiresAt.getTime() >= now.getTime() ? row : undefined;
    return {
      thisProcess: running ? 'running' : 'standby',
      id: this.id,
      holder: current?.holder ?? null,
      expiresInSeconds: current ? (current.expiresAt.getTime() - now.getTime()) / 1000 : null,
      heldForSeconds: current ? (now.getTime() - current.acquiredAt.getTime()) / 1000 : null,
    };
  }

  private row(): LeaseRow | undefined {
    const row = this.read.get();
    return row
      ? { holder: row.holder, expiresAt: new Date(row.expiresAt), acquiredAt: new Date(row.acquiredAt) }
      : undefined;
  }
}
