import { and, asc, eq, gt, isNull, lte, sql as raw } from 'drizzle-orm';
import type { ActiveCover } from '../core/cover.js';
import { type CoverOverrideRow, coverOverrides } from '../db/schema.js';
import { type DispatchContext, type Sql, writeTransaction } from './context.js';
import { preparedOnce } from './prepared.js';
import { isTeamLeader } from './roster.js';
import { recordTeamEvent } from './team-events.js';

export type CoverRefusal =
  | { kind: 'not_leader' }
  | { kind: 'not_an_agent'; userId: string }
  | { kind: 'inactive'; userId: string };

export type SetCoverResult =
  | { ok: true; cover: CoverOverrideRow; replaced: CoverOverrideRow | undefined }
  | { ok: false; refusal: CoverRefusal };

export type EndCoverResult =
  | { ok: true; ended: CoverOverrideRow[] }
  | { ok: false; refusal: { kind: 'not_leader' } };

/** Covers in force at `now`, oldest first: what routing, `/dispatch who` and App Home read. */
export function activeCovers(sql: Sql, now: Date): ActiveCover[] {
  return openCovers(sql, now).map((c) => ({
    id: c.id,
    rotation: c.rotation,
    agentId: c.agentId,
    until: c.endsAt,
    setBy: c.setBy,
  }));
}

function openCovers(sql: Sql, now: Date): CoverOverrideRow[] {
  return coversInForce(sql).all({ now: now.getTime() });
}

/** Asked on every routing decision: built and prepared once (times bind as epoch ms, as stored). */
const coversInForce = preparedOnce((sql) =>
  sql
    .select()
    .from(coverOverrides)
    .where(
      and(
        isNull(coverOverrides.endedAt),
        lte(coverOverrides.startsAt, raw.placeholder('now')),
        gt(coverOverrides.endsAt, raw.placeholder('now')),
      ),
    )
    .orderBy(asc(coverOverrides.id))
    .prepare(),
);

/**
 * `agentId` is on duty for `rotation` from now until `until`. A leader may set anyone; anyone else
 * only themselves. A cover of the same rotation still in force is replaced (ended now): one
 * person is first on duty at a time. The row, its audit event and the announcement: one transaction.
 */
export function setCover(
  ctx: DispatchContext,
  args: { agentId: string; rotation: string; until: Date; setBy: string },
): SetCoverResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const refusal = checkCoverPermission(ctx, args.agentId, args.setBy);
    if (refusal) return { ok: false, refusal };
    const [replaced] = tx
      .update(coverOverrides)
      .set({ endedAt: now, endedBy: args.setBy })
      .where(
        and(
          eq(coverOverrides.rotation, args.rotation),
          isNull(coverOverrides.endedAt),
          gt(coverOverrides.endsAt, now),
        ),
      )
      .returning()
      .all();
    const cover = tx
      .insert(coverOverrides)
      .values({
        rotation: args.rotation,
        agentId: args.agentId,
        startsAt: now,
        endsAt: args.until,
        setBy: args.setBy,
        createdAt: now,
      })
      .returning()
      .get();
    recordTeamEvent(tx, ctx, {
      kind: 'cover_set',
      actor: args.setBy,
      at: now,
      coverId: cover.id,
      replacedId: replaced?.id,
    });
    return { ok: true, cover, replaced };
  });
}

/** Ends `agentId`'s covers in force now (of one rotation, if named): a leader's or their own call. */
export function endCover(
  ctx: DispatchContext,
  args: { agentId: string; rotation: string | undefined; endedBy: string },
): EndCoverResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    if (args.agentId !== args.endedBy && !isTeamLeader(ctx.config, args.endedBy))
      return { ok: false, refusal: { kind: 'not_leader' } };
    const ended = tx
      .update(coverOverrides)
      .set({ endedAt: now, endedBy: args.endedBy })
      .where(
        and(
          eq(coverOverrides.agentId, args.agentId),
          args.rotation === undefined ? undefined : eq(coverOverrides.rotation, args.rotation),
          isNull(coverOverrides.endedAt),
          gt(coverOverrides.endsAt, now),
        ),
      )
      .returning()
      .all();
    for (const cover of ended)
      recordTeamEvent(tx, ctx, { kind: 'cover_ended', actor: args.endedBy, at: now, coverId: cover.id });
    return { ok: true, ended };
  });
}

function checkCoverPermission(
  ctx: DispatchContext,
  agentId: string,
  setBy: string,
): CoverRefusal | undefined {
  if (setBy !== agentId && !isTeamLeader(ctx.config, setBy)) return { kind: 'not_leader' };
  const agent = ctx.config.agents.find((a) => a.id === agentId);
  if (!agent) return { kind: 'not_an_agent', userId: agentId };
  if (!agent.active) return { kind: 'inactive', userId: agentId };
  return undefined;
}
