import { describe, expect, it } from 'vitest';
import {
  type HeldLease,
  LEASE_TIMING,
  leaseChange,
  mayAct,
  mayTake,
  shouldTryRenewal,
} from '../../src/core/lease.js';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { EngineLease } from '../../src/engine/lease.js';
import { silentLogger } from '../../src/log.js';
import { TestClock } from '../support/clock.js';

const T0 = new Date('2026-11-25T16:40:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('the lease decisions (core/lease.ts)', () => {
  const held: HeldLease = { term: 1, expiresAt: at(LEASE_TIMING.ttlMs) };

  it('a holder acts only while its last renewal is good for longer than the margin', () => {
    const lastMoment = LEASE_TIMING.ttlMs - LEASE_TIMING.marginMs;
    expect(mayAct(held, at(0))).toBe(true);
    expect(mayAct(held, at(lastMoment - 1))).toBe(true);
    expect(mayAct(held, at(lastMoment))).toBe(false);
    // Frozen past its lease: it wakes with an old renewal in memory and must not post.
    expect(mayAct(held, at(60_000))).toBe(false);
    expect(mayAct(null, at(0))).toBe(false);
  });

  it('the lease is taken when free, ours, or run out; never from a holder whose lease is good', () => {
    const row = (holder: string, expiresIn: number) => ({ holder, expiresAt: at(expiresIn), acquiredAt: T0 });
    expect(mayTake(undefined, 'me', T0)).toBe(true);
    expect(mayTake(row('me', 5_000), 'me', T0)).toBe(true);
    expect(mayTake(row('me', -5_000), 'me', T0)).toBe(true);
    expect(mayTake(row('them', -1), 'me', T0)).toBe(true);
    expect(mayTake(row('them', 0), 'me', T0)).toBe(false);
    expect(mayTake(row('them', 5_000), 'me', T0)).toBe(false);
  });

  it('outside the heartbeat the database is asked at most once a renewal interval, and only when needed', () => {
    expect(shouldTryRenewal(held, null, at(0))).toBe(false);
    expect(shouldTryRenewal(null, null, at(0))).toBe(true);
    expect(shouldTryRenewal(null, at(0), at(LEASE_TIMING.renewEveryMs - 1))).toBe(false);
    expect(shouldTryRenewal(null, at(0), at(LEASE_TIMING.renewEveryMs))).toBe(true);
  });

  it('a new term starts the engine; the same term keeps it; nothing after something parks it', () => {
    const later: HeldLease = { term: 1, expiresAt: at(10_000) };
    expect(leaseChange(null, held)).toBe('took');
    expect(leaseChange(held, later)).toBe('kept');
    expect(leaseChange(held, { term: 2, expiresAt: at(10_000) })).toBe('took');
    expect(leaseChange(held, null)).toBe('lost');
    expect(leaseChange(null, null)).toBe('none');
  });
});

describe('the lease store (engine/lease.ts) on one database', () => {
  function twoProcesses() {
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    const clock = new TestClock(T0);
    const a = new EngineLease(db.$client, clock, silentLogger, 'host:1:a');
    const b = new EngineLease(db.$client, clock, silentLogger, 'host:2:b');
    return { db, clock, a, b };
  }

  it('its one guarded statement decides as mayTake does', () => {
    const cases: Array<[string, number]> = [
      ['host:1:a', 5_000],
      ['host:1:a', -5_000],
      ['host:2:b', -1],
      ['host:2:b', 0],
      ['host:2:b', 5_000],
    ];
    for (const [holder, expiresIn] of cases) {
      const { db, clock, a } = twoProcesses();
      db.$client
        .prepare(`insert into leases (name, holder, expires_at, acquired_at) values ('engine', ?, ?, ?)`)
        .run(holder, T0.getTime() + expiresIn, T0.getTime() - 60_000);
      const expected = mayTake({ holder, expiresAt: at(expiresIn), acquiredAt: T0 }, a.id, clock.now());
      a.renew();
      expect(a.term() !== null, `${holder} expiring in ${expiresIn} ms`).toBe(expected);
    }
  });

  it('exactly one of two processes holds it; the other takes over only once it ran out', () => {
    const { clock, a, b } = twoProcesses();
    const term = a.term();
    expect(term).not.toBeNull();
    expect(b.term()).toBeNull();
    expect(b.status()).toMatchObject({ thisProcess: 'standby', holder: 'host:1:a', expiresInSeconds: 6 });

    // A renews every second: B never gets it.
    for (let i = 0; i < 10; i++) {
      clock.advance(1_000);
      a.renew();
      b.renew();
      expect(a.holds(term ?? -1)).toBe(true);
      expect(b.term()).toBeNull();
    }

    // A is frozen (a paused VM, a stopped process): its lease runs out and B takes it.
    clock.advance(LEASE_TIMING.ttlMs + 1);
    b.renew();
    expect(b.term()).not.toBeNull();
    // A wakes: its in-memory lease is stale, the database says B, so it does not act.
    expect(a.holds(term ?? -1)).toBe(false);
    expect(a.term()).toBeNull();
    expect(a.status()).toMatchObject({ thisProcess: 'standby', holder: 'host:2:b' });
  });

  it('a holder frozen past its lease that nobody replaced carries on in the same term', () => {
    const { clock, a, b } = twoProcesses();
    const term = a.term();
    clock.advance(60_000);
    // Nobody held it meanwhile, so nothing was done by anyone else: the same tenure goes on.
    expect(a.holds(term ?? -1)).toBe(true);
    expect(b.term()).toBeNull();
  });

  it('work begun in one tenure is not finished in the next: taking it back after another holder is a new term', () => {
    const { clock, a, b } = twoProcesses();
    const first = a.term();
    clock.advance(LEASE_TIMING.ttlMs + 1);
    b.renew();
    clock.advance(LEASE_TIMING.ttlMs + 1);
    a.renew();
    const second = a.term();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(a.holds(first ?? -1)).toBe(false);
  });

  it('a holder whose renewals fail stops acting before its lease runs out in the database', () => {
    const { db, clock, a, b } = twoProcesses();
    const term = a.term();
    // Every write to the lease now fails, as on a full or read-only disk.
    db.$client.exec(
      `create trigger no_renewal before update on leases begin select raise(abort, 'disk I/O error'); end`,
    );
    clock.advance(LEASE_TIMING.ttlMs - LEASE_TIMING.marginMs - 1);
    expect(a.holds(term ?? -1)).toBe(true);
    clock.advance(1);
    expect(a.holds(term ?? -1)).toBe(false);
    expect(a.term()).toBeNull();
    db.$client.exec('drop trigger no_renewal');
    // Its lease runs out in the database 2 s later; only then may another process take it.
    clock.advance(LEASE_TIMING.marginMs);
    b.renew();
    expect(b.term()).toBeNull();
    clock.advance(1);
    b.renew();
    expect(b.term()).not.toBeNull();
  });

  it('a clean stop hands it over at once', () => {
    const { a, b } = twoProcesses();
    expect(a.term()).not.toBeNull();
    a.release();
    expect(a.term()).toBeNull();
    b.renew();
    expect(b.term()).not.toBeNull();
  });
});
