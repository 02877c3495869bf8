import { and, eq } from 'drizzle-orm';
import type { BusySignal, SignalSource } from '../core/availability.js';
import { agents, availabilitySignals, signalChecks } from '../db/schema.js';
import { type DispatchContext, writeTransaction } from './context.js';

export type CheckKind = 'slack' | 'calendar';

/** Whether an agent's profile or calendar is due to be asked again, by when it was last asked. */
export function isCheckDue(
  ctx: DispatchContext,
  agentId: string,
  kind: CheckKind,
  everySeconds: number,
): boolean {
  const last = ctx.db
    .select({ at: signalChecks.checkedAt })
    .from(signalChecks)
    .where(and(eq(signalChecks.agentId, agentId), eq(signalChecks.source, kind)))
    .get()?.at;
  return !last || ctx.clock.now().getTime() - last.getTime() >= everySeconds * 1000;
}

/**
 * What one check found, in one transaction: the signal rows of each source it covers are replaced
 * (so routing never sees half a calendar), and the check is recorded. Returns the previous error,
 * so the caller logs a failure once when it starts, not on every poll.
 */
export function recordCheck(
  ctx: DispatchContext,
  args: {
    agentId: string;
    kind: CheckKind;
    /** Per source, the spans it now reports; a source left out keeps its rows (its check failed). */
    found: Partial<Record<SignalSource, BusySignal[]>>;
    slackTimezone?: string | undefined;
    error: string | null;
  },
): string | null {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    for (const [source, spans] of Object.entries(args.found) as Array<[SignalSource, BusySignal[]]>) {
      tx.delete(availabilitySignals)
        .where(and(eq(availabilitySignals.agentId, args.agentId), eq(availabilitySignals.source, source)))
        .run();
      for (const s of spans) {
        tx.insert(availabilitySignals)
          .values({
            agentId: args.agentId,
            source,
            startsAt: s.startsAt,
            endsAt: s.endsAt,
            reason: s.reason,
            fetchedAt: now,
          })
          .run();
      }
    }
    if (args.slackTimezone) {
      tx.update(agents).set({ slackTimezone: args.slackTimezone }).where(eq(agents.id, args.agentId)).run();
    }
    const previous =
      tx
        .select({ error: signalChecks.error })
        .from(signalChecks)
        .where(and(eq(signalChecks.agentId, args.agentId), eq(signalChecks.source, args.kind)))
        .get()?.error ?? null;
    const okAt = args.error === null ? now : undefined;
    tx.insert(signalChecks)
      .values({
        agentId: args.agentId,
        source: args.kind,
        checkedAt: now,
        okAt: okAt ?? null,
        error: args.error,
      })
      .onConflictDoUpdate({
        target: [signalChecks.agentId, signalChecks.source],
        set: { checkedAt: now, error: args.error, ...(okAt ? { okAt } : {}) },
      })
      .run();
    return previous;
  });
}
