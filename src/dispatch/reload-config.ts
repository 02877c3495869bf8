import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import {
  ConfigError,
  parseDispatchConfigWithWarnings,
  problemLines,
  readConfigFile,
  warningLine,
} from '../config/load-dispatch.js';
import type { EnvLookup } from '../config/source-warnings.js';
import {
  type ConfigChanges,
  counts,
  diffConfigs,
  needsRestart,
  refusedText,
  reloadedLine,
  type StartedWith,
} from '../core/config-diff.js';
import { type ConfigReloadRow, configReloads } from '../db/schema.js';
import { enqueueOutbox } from '../engine/outbox/outbox.js';
import { type DispatchContext, type Tx, writeTransaction } from './context.js';
import { syncAgents } from './roster.js';

export const CONFIG_NOTICE_TOPIC = 'slack:config';

export type ReloadTrigger = ConfigReloadRow['trigger'];

/** Where the running app reads dispatch.yml, and what it wired at start. */
export interface ReloadSource {
  file: string;
  /** Where source secrets are read, for check-config's warnings about them. */
  env?: EnvLookup;
  startedWith: StartedWith;
}

export interface ReloadResult {
  id: number;
  outcome: 'applied' | 'unchanged' | 'refused';
  /** What changed, or the problems (as check-config prints them). */
  report: string[];
  warnings: string[];
  /** True when the leaders' channel is told (a note is queued in the outbox). */
  told: boolean;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Reads dispatch.yml again and, when check-config would pass it, puts it in force: the agents
 * are synced as at start, the row records it, and a one-line note for the leaders is queued, all
 * in one transaction; `ctx.config` is swapped right after it commits (everyone reads it at the
 * moment of use, and the swap is one assignment, so nobody sees half of each file). A file that
 * would fail check-config is kept out and the running config stays; the leaders are told why,
 * unless the last reload already refused the very same text. Tasks in flight keep the rule, chain
 * and SLA frozen on their rows. `request.id` is a row `lead-dispatch reload` wrote, answered here;
 * `request.requestedBy` is the leader who typed `/dispatch reload`.
 */
export function reloadConfig(
  ctx: DispatchContext,
  source: ReloadSource,
  trigger: ReloadTrigger,
  request?: { id?: number; requestedBy?: string | null },
): ReloadResult {
  const now = ctx.clock.now();
  let text: string | undefined;
  let next: DispatchConfig | undefined;
  let problems: string[] = [];
  let warnings: string[] = [];
  try {
    text = readConfigFile(source.file);
    const checked = parseDispatchConfigWithWarnings(text, source.file, source.env);
    next = checked.config;
    warnings = checked.warnings.map((w) => warningLine(source.file, w));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = problemLines(error);
  }
  const hash = text === undefined ? null : contentHash(text);
  const base = {
    trigger,
    requestedBy: request?.requestedBy ?? null,
    doneAt: now,
    file: source.file,
    contentHash: hash,
    warnings,
  };

  if (!next) {
    const told = !sameRefusalAsLast(ctx, hash, problems);
    const notice = told ? refusedText(source.file, problems) : null;
    const id = writeTransaction(ctx.db, (tx) => {
      const rowId = saveRow(tx, request?.id, now, { ...base, outcome: 'refused', report: problems });
      if (notice) queueNotice(tx, rowId, notice, ctx.config.team.leaders_channel, now);
      return rowId;
    });
    // Paths only: a message may quote what was typed, and the file holds agents' contact details.
    ctx.log.warn('dispatch.yml not reloaded: it has problems, the running config stays', {
      file: source.file,
      trigger,
      problems: problems.length,
      leadersTold: told,
    });
    return { id, outcome: 'refused', report: problems, warnings, told };
  }

  const config = next;
  const changes = diffConfigs(ctx.config, config);
  if (isDeepStrictEqual(ctx.config, config)) {
    const id = writeTransaction(ctx.db, (tx) =>
      saveRow(tx, request?.id, now, {
        ...base,
        outcome: 'unchanged',
        report: [],
        agents: config.agents.length,
        rules: config.rules.length,
      }),
    );
    ctx.log.info('dispatch.yml reloaded: no changes', { file: source.file, trigger });
    return { id, outcome: 'unchanged', report: [], warnings, told: false };
  }

  const restart = needsRestart(source.startedWith, config);
  const report = changeLines(changes, restart);
  const notice = reloadedLine(config, changes, restart);
  const id = writeTransaction(ctx.db, (tx) => {
    syncAgents(tx, config, now);
    const rowId = saveRow(tx, request?.id, now, {
      ...base,
      outcome: 'applied',
      report,
      agents: config.agents.length,
      rules: config.rules.length,
    });
    queueNotice(tx, rowId, notice, config.team.leaders_channel, now);
    return rowId;
  });
  ctx.config = config;
  ctx.log.info(`config reloaded (${counts(config)})`, {
    file: source.file,
    trigger,
    agents: config.agents.length,
    rules: config.rules.length,
    agentsAdded: changes.agentsAdded.length,
    agentsRemoved: changes.agentsRemoved.length,
    rulesChanged: changes.rulesAdded.length + changes.rulesRemoved.length + changes.rulesChanged.length,
    ...(restart.length > 0 ? { needsRestart: restart.length } : {}),
  });
  return { id, outcome: 'applied', report, warnings, told: true };
}

/** `lead-dispatch reload`'s request: a row the engine answers on its next pass. */
export function requestReload(ctx: Pick<DispatchContext, 'db'>, now: Date): number {
  const row = ctx.db
    .insert(configReloads)
    .values({ trigger: 'cli', requestedAt: now })
    .returning({ id: configReloads.id })
    .get();
  return row.id;
}

export function pendingReloads(ctx: Pick<DispatchContext, 'db'>): ConfigReloadRow[] {
  return ctx.db
    .select()
    .from(configReloads)
    .where(isNull(configReloads.doneAt))
    .orderBy(configReloads.id)
    .all();
}

export function findReload(ctx: Pick<DispatchContext, 'db'>, id: number): ConfigReloadRow | undefined {
  return ctx.db.select().from(configReloads).where(eq(configReloads.id, id)).get();
}

/** The same bad text as the last reload refused is not reported again; another bad text is. */
function sameRefusalAsLast(ctx: DispatchContext, hash: string | null, problems: string[]): boolean {
  const last = ctx.db
    .select()
    .from(configReloads)
    .where(isNotNull(configReloads.doneAt))
    .orderBy(desc(configReloads.id))
    .limit(1)
    .get();
  if (last?.outcome !== 'refused') return false;
  // A file that cannot be read has no text: the same reason stands for the same content.
  return hash === null ? isDeepStrictEqual(last.report, problems) : last.contentHash === hash;
}

type RowFields = Omit<typeof configReloads.$inferInsert, 'id' | 'requestedAt'>;

/** Answers a request row (guarded: only while it waits), or records a reload done here. */
function saveRow(tx: Tx, requestId: number | undefined, now: Date, fields: RowFields): number {
  if (requestId !== undefined) {
    const answered = tx
      .update(configReloads)
      .set(fields)
      .where(and(eq(configReloads.id, requestId), isNull(configReloads.doneAt)))
      .returning({ id: configReloads.id })
      .get();
    if (answered) return answered.id;
  }
  return tx
    .insert(configReloads)
    .values({ ...fields, requestedAt: now })
    .returning({ id: configReloads.id })
    .get().id;
}

function queueNotice(tx: Tx, id: number, notice: string, channel: string, now: Date): void {
  tx.update(configReloads).set({ notice, noticeChannel: channel }).where(eq(configReloads.id, id)).run();
  enqueueOutbox(tx, { taskId: null, topic: CONFIG_NOTICE_TOPIC, payload: { reloadId: id }, at: now });
}

/** The changes as lines for the CLI and the row. */
function changeLines(changes: ConfigChanges, restart: string[]): string[] {
  const lines: string[] = [];
  const add = (label: string, names: string[]) => {
    if (names.length > 0) lines.push(`${label}: ${names.join(', ')}`);
  };
  add('agents added', changes.agentsAdded);
  add('agents removed', changes.agentsRemoved);
  add('agents changed', changes.agentsChanged);
  add('rules added', changes.rulesAdded);
  add('rules removed', changes.rulesRemoved);
  add('rules changed', changes.rulesChanged);
  if (changes.rulesReordered) lines.push('rules reordered');
  add('also changed', changes.sections);
  for (const r of restart) lines.push(`needs a restart: ${r}`);
  return lines;
}
