import { and, asc, eq, lte, sql as raw } from 'drizzle-orm';
import { classify } from '../core/classify.js';
import { contactSpecOf, sameContact } from '../core/contact.js';
import { type ActivePause, pausedRules, pauseOfSource } from '../core/pause.js';
import { type EarlierOwner, route, type Watcher } from '../core/route.js';
import { roundRobin, type TaskRow, tasks, taskViews } from '../db/schema.js';
import { queueLeadReplies } from '../replies/plan.js';
import { type DispatchContext, forEachIsolated, type Sql, writeTransaction } from './context.js';
import { activeCovers } from './cover.js';
import { earlierOwnedTask, mergeIfDuplicate } from './duplicates.js';
import { escalateTask } from './escalate.js';
import { recordEvent } from './events.js';
import { offerNext } from './offer-next.js';
import { activePauses } from './pause.js';
import { dropInPond } from './pond.js';
import { preparedOnce } from './prepared.js';
import { agentName, loadRoster } from './roster.js';

/**
 * Classifies and routes a received task, then makes its first offer — one transaction, guarded
 * on `received`, so the intake path and the sweeper can both call it and only one wins.
 */
export function dispatchTask(ctx: DispatchContext, taskId: number): void {
  writeTransaction(ctx.db, (tx) =>
    routeReceivedTask(tx, ctx, taskId, ctx.clock.now(), { firstArrival: true }),
  );
}

export interface RouteOptions {
  /** Agents to leave out this time (those who already passed on it), without costing them a turn. */
  exclude?: ReadonlySet<string>;
  /** A new arrival may be a repeat of an earlier lead; a task a leader sends back to the pool is not. */
  firstArrival?: boolean;
}

/** The routing step inside a caller's transaction (leaders' "Back to the pool" reuses it). */
export function routeReceivedTask(
  tx: Sql,
  ctx: DispatchContext,
  taskId: number,
  now: Date,
  { exclude = new Set(), firstArrival = false }: RouteOptions = {},
): void {
  const { config } = ctx;
  const task = receivedTask(tx).get({ taskId });
  if (!task) return;
  const pauses = activePauses(tx, now);
  // A new lead from a paused source is kept, untouched, until the pause ends; then it is routed
  // as the new arrival it still is (replies, duplicates), in the order the held leads came.
  const sourcePause = firstArrival ? pauseOfSource(pauses, task.source, now) : undefined;
  if (sourcePause) {
    holdForPause(tx, taskId, sourcePause, now);
    return;
  }
  const classification = classify(
    { type: task.type || undefined, source: task.source, referringAgent: task.referringAgent ?? undefined },
    config,
  );
  recordEvent(tx, {
    taskId,
    kind: 'classified',
    at: now,
    detail: { type: classification.type, why: classification.why },
  });
  if (classification.type === null) {
    escalateTask(tx, {
      taskId,
      reason: `Could not classify: ${classification.why}`,
      manualReview: true,
      now,
      from: ['received'],
    });
    return;
  }
  if (firstArrival && mergeIfDuplicate(tx, ctx, task, classification.type, now)) return;
  const roster = loadRoster(tx, config, now);
  const decision = route({
    task: { ...task, type: classification.type },
    config,
    roster: roster.map((a) => (exclude.has(a.id) ? { ...a, available: false, offHours: undefined } : a)),
    roundRobinState: (rule) => readRoundRobin(tx, rule),
    earlierOwner: earlierOwnerOf(tx, task),
    now,
    covers: activeCovers(tx, now),
    pausedRules: pausedRules(pauses, now),
  });
  const rule = config.rules.find((r) => r.name === decision.rule);
  const contact = contactSpecOf(rule?.contact_sla);
  const routed = saveDecision(tx).get({
    taskId,
    type: classification.type,
    rule: decision.rule,
    // Bound raw (see saveDecision), so stored as the json columns store them.
    chain: JSON.stringify(decision.chain),
    sla: decision.sla === null ? null : JSON.stringify(decision.sla),
    contactSla: contact?.seconds ?? null,
    contactClock: contact?.clock ?? null,
    contactThen: contact?.onLapse ?? null,
  });
  if (!routed) return;
  recordEvent(tx, {
    taskId,
    kind: 'routed',
    at: now,
    detail: {
      rule: decision.rule,
      chain: decision.chain,
      ...(decision.watchers.length > 0 ? { watchers: decision.watchers } : {}),
      ...(decision.kind === 'escalate' ? { reason: decision.reason } : {}),
      ...(decision.pausedRules ? { pausedRules: decision.pausedRules } : {}),
    },
  });
  addWatchers(tx, taskId, decision.watchers, now);
  // Routing is the lead's arrival as far as a reply is concerned: its rule is known now.
  if (firstArrival) queueLeadReplies(tx, ctx, taskId, 'arrival', now);
  if (decision.kind === 'hold') {
    holdTask(tx, taskId, decision.until, decision.waitingFor, now);
    return;
  }
  // Nobody in the chain can take it now, but the rule has a pond: it waits there for the pool.
  if (decision.kind === 'escalate' && rule?.pond && rule.assign.strategy !== 'escalate') {
    if (dropInPond(tx, config, routed, now)) return;
  }
  if (decision.kind === 'escalate') {
    const passers = exclude.size > 0 ? ` (not counting ${exclude.size} who already passed on it)` : '';
    escalateTask(tx, {
      taskId,
      reason: `${decision.reason}${passers}`,
      manualReview: true,
      now,
      from: ['received'],
    });
    return;
  }
  if (decision.roundRobin) writeRoundRobin(tx, decision.roundRobin.rule, decision.roundRobin.state);
  for (const backup of decision.backupRoundRobin ?? []) writeRoundRobin(tx, backup.rule, backup.state);
  // The roster routing just read is still current: nothing has changed in this transaction since.
  offerNext(tx, config, routed, 0, now, `Rule ${decision.rule}: nobody in its chain is available`, roster);
}

/** After hours with no cover: the task waits, untouched, and the sweeper routes it again at `until`. */
function holdTask(tx: Sql, taskId: number, until: Date, waitingFor: string[], now: Date): void {
  const held = tx
    .update(tasks)
    .set({ status: 'held', heldUntil: until })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, 'received')))
    .run().changes;
  if (held === 1)
    recordEvent(tx, { taskId, kind: 'held', at: now, detail: { until: until.toISOString(), waitingFor } });
}

/** Its source is paused: held until the pause ends (or a leader resumes it, which makes it due now). */
function holdForPause(tx: Sql, taskId: number, pause: ActivePause, now: Date): void {
  const held = tx
    .update(tasks)
    .set({ status: 'held', heldUntil: pause.until, pauseId: pause.id })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, 'received')))
    .run().changes;
  if (held === 1)
    recordEvent(tx, {
      taskId,
      kind: 'held',
      at: now,
      detail: { until: pause.until.toISOString(), waitingFor: [], pausedSource: pause.name },
    });
}

/**
 * Held tasks whose opening has come: back to `received` and routed again with the roster of that
 * moment, so the offer and its SLA clock start now. One transaction each, guarded on `held`.
 */
export function releaseHeldTasks(ctx: DispatchContext, now: Date, limit = Number.MAX_SAFE_INTEGER): number {
  const due = ctx.db
    .select({ id: tasks.id, pauseId: tasks.pauseId, source: tasks.source })
    .from(tasks)
    .where(and(eq(tasks.status, 'held'), lte(tasks.heldUntil, now)))
    // Leads held together (a paused source) go out in the order they arrived.
    .orderBy(asc(tasks.heldUntil), asc(tasks.id))
    .limit(limit)
    .all();
  let released = 0;
  forEachIsolated(ctx, 'releasing a held task', due, ({ id, pauseId, source }) => {
    writeTransaction(ctx.db, (tx) => {
      // Guarded on the time too: a pause extended since the read keeps its leads.
      const moved = tx
        .update(tasks)
        .set({ status: 'received', heldUntil: null, pauseId: null })
        .where(and(eq(tasks.id, id), eq(tasks.status, 'held'), lte(tasks.heldUntil, now)))
        .run().changes;
      if (moved !== 1) return;
      const byPause = pauseId !== null;
      recordEvent(tx, {
        taskId: id,
        kind: 'released',
        at: now,
        ...(byPause ? { detail: { pausedSource: source } } : {}),
      });
      // A lead a paused source held was never routed: it is still a first arrival.
      routeReceivedTask(tx, ctx, id, now, { firstArrival: byPause });
      released++;
    });
  });
  return released;
}

/** Watchers are added once; routing the task again (after a hold, back to the pool) keeps them. */
function addWatchers(tx: Sql, taskId: number, watchers: readonly Watcher[], now: Date): void {
  for (const w of watchers) {
    const known = tx
      .select({ id: taskViews.id })
      .from(taskViews)
      .where(
        and(
          eq(taskViews.taskId, taskId),
          eq(taskViews.kind, 'watcher'),
          eq(taskViews.recipient, w.recipient),
        ),
      )
      .get();
    if (!known)
      tx.insert(taskViews)
        .values({ taskId, kind: 'watcher', createdAt: now, ...w })
        .run();
  }
}

/** Whoever owned this contact's most recent earlier task (same phone or email), for original-agent rules. */
function earlierOwnerOf(tx: Sql, task: TaskRow): EarlierOwner | undefined {
  const earlier = earlierOwnedTask(tx, task);
  if (!earlier?.ownerId) return undefined;
  return {
    agentId: earlier.ownerId,
    name: agentName(tx, earlier.ownerId),
    taskId: earlier.id,
    matchedOn: sameContact(task, earlier) ?? 'email',
  };
}

// Every routing decision runs these: built once per database (see prepared.ts).
const receivedTask = preparedOnce((sql) =>
  sql
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, raw.placeholder('taskId')), eq(tasks.status, 'received')))
    .prepare(),
);

/** The routing decision, frozen on the task. Placeholders in `set` bind raw: JSON goes in as text. */
const saveDecision = preparedOnce((sql) =>
  sql
    .update(tasks)
    .set({
      type: raw`${raw.placeholder('type')}`,
      ruleName: raw`${raw.placeholder('rule')}`,
      chain: raw`${raw.placeholder('chain')}`,
      sla: raw`${raw.placeholder('sla')}`,
      contactSlaSeconds: raw`${raw.placeholder('contactSla')}`,
      contactClock: raw`${raw.placeholder('contactClock')}`,
      contactThen: raw`${raw.placeholder('contactThen')}`,
    })
    .where(and(eq(tasks.id, raw.placeholder('taskId')), eq(tasks.status, 'received')))
    .returning()
    .prepare(),
);

const roundRobinOf = preparedOnce((sql) =>
  sql
    .select()
    .from(roundRobin)
    .where(eq(roundRobin.ruleName, raw.placeholder('rule')))
    .prepare(),
);

const saveRoundRobin = preparedOnce((sql) =>
  sql
    .insert(roundRobin)
    .values({
      ruleName: raw.placeholder('rule'),
      agentId: raw.placeholder('agentId'),
      current: raw.placeholder('current'),
    })
    .onConflictDoUpdate({
      target: [roundRobin.ruleName, roundRobin.agentId],
      set: { current: raw`excluded.current` },
    })
    .prepare(),
);

function readRoundRobin(sql: Sql, rule: string): Map<string, number> {
  const rows = roundRobinOf(sql).all({ rule });
  return new Map(rows.map((r) => [r.agentId, r.current]));
}

function writeRoundRobin(sql: Sql, rule: string, state: ReadonlyMap<string, number>): void {
  for (const [agentId, current] of state) saveRoundRobin(sql).run({ rule, agentId, current });
}
