import { and, asc, eq, gt, isNull, lte, sql as raw } from 'drizzle-orm';
import type { ActivePause, PauseKind } from '../core/pause.js';
import { type PauseRow, pauses, tasks } from '../db/schema.js';
import { type DispatchContext, type Sql, writeTransaction } from './context.js';
import { preparedOnce } from './prepared.js';
import { isTeamLeader } from './roster.js';
import { recordTeamEvent } from './team-events.js';

export type SetPauseResult =
  | { ok: true; pause: PauseRow; replaced: PauseRow | undefined }
  | { ok: false; refusal: 'not_leader' };

export type ResumeResult =
  | { ok: true; ended: PauseRow | undefined; released: number }
  | { ok: false; refusal: 'not_leader' };

/** Pauses in force at `now`, oldest first: what routing and the listing read. */
export function activePauses(sql: Sql, now: Date): ActivePause[] {
  return pausesInForce(sql)
    .all({ now: now.getTime() })
    .map((p) => ({ id: p.id, kind: p.kind, name: p.name, until: p.endsAt, setBy: p.setBy }));
}

/** Asked on every routing decision: built and prepared once (times bind as epoch ms, as stored). */
const pausesInForce = preparedOnce((sql) =>
  sql
    .select()
    .from(pauses)
    .where(
      and(
        isNull(pauses.endedAt),
        lte(pauses.startsAt, raw.placeholder('now')),
        gt(pauses.endsAt, raw.placeholder('now')),
      ),
    )
    .orderBy(asc(pauses.id))
    .prepare(),
);

/**
 * Pauses a rule or a source from now until `until` (leaders only). A pause of the same name still
 * in force is replaced: the leads it holds move to the new one and wait for its end instead.
 * The row, its audit event and the announcement: one transaction.
 */
export function setPause(
  ctx: DispatchContext,
  args: { kind: PauseKind; name: string; until: Date; setBy: string },
): SetPauseResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    if (!isTeamLeader(ctx.config, args.setBy)) return { ok: false, refusal: 'not_leader' };
    const [replaced] = endOpen(tx, args.kind, args.name, args.setBy, now);
    const pause = tx
      .insert(pauses)
      .values({
        kind: args.kind,
        name: args.name,
        startsAt: now,
        endsAt: args.until,
        setBy: args.setBy,
        createdAt: now,
      })
      .returning()
      .get();
    if (replaced)
      tx.update(tasks)
        .set({ pauseId: pause.id, heldUntil: pause.endsAt })
        .where(and(eq(tasks.status, 'held'), eq(tasks.pauseId, replaced.id)))
        .run();
    recordTeamEvent(tx, ctx, {
      kind: 'pause_set',
      actor: args.setBy,
      at: now,
      pauseId: pause.id,
      replacedId: replaced?.id,
    });
    return { ok: true, pause, replaced };
  });
}

/**
 * Ends a pause now (leaders only). The leads a source's pause held become due at once; the
 * sweeper routes them in the order they arrived, as it does at the pause's own end.
 */
export function resumePause(
  ctx: DispatchContext,
  args: { kind: PauseKind; name: string; endedBy: string },
): ResumeResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    if (!isTeamLeader(ctx.config, args.endedBy)) return { ok: false, refusal: 'not_leader' };
    const [ended] = endOpen(tx, args.kind, args.name, args.endedBy, now);
    if (!ended) return { ok: true, ended: undefined, released: 0 };
    const released = tx
      .update(tasks)
      .set({ heldUntil: now })
      .where(and(eq(tasks.status, 'held'), eq(tasks.pauseId, ended.id)))
      .run().changes;
    recordTeamEvent(tx, ctx, { kind: 'pause_ended', actor: args.endedBy, at: now, pauseId: ended.id });
    return { ok: true, ended, released };
  });
}

function endOpen(tx: Sql, kind: PauseKind, name: string, by: string, now: Date): PauseRow[] {
  return tx
    .update(pauses)
    .set({ endedAt: now, endedBy: by })
    .where(and(eq(pauses.kind, kind), eq(pauses.name, name), isNull(pauses.endedAt), gt(pauses.endsAt, now)))
    .returning()
    .all();
}

/** How many leads a source's pause holds now. */
export function heldByPause(sql: Sql, pauseId: number): number {
  return sql
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, 'held'), eq(tasks.pauseId, pauseId)))
    .all().length;
}
