import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { loadDispatchConfig } from '../config/load-dispatch.js';
import { parseDuration } from '../core/duration.js';
import type { CliIo } from '../crm/fub/cli.js';
import { DatabaseUnreadable, type Db, openDatabaseReadOnly } from '../db/connection.js';
import type { GroupBy } from './measures.js';
import { type ReportLabels, renderCsv, renderJson, renderText } from './render.js';
import { buildReport } from './report.js';

export const REPORT_USAGE = `  report [--since 30d|<date>] [--until <date>] [--by source|rule|type|agent|day] [--csv|--json]
                        speed to lead, SLA hits, misassignment and fairness from the database,
                        beside the previous period and the manual baseline (README "Reports")`;

const BY = ['source', 'rule', 'type', 'agent', 'day'] as const;

/**
 * A moment from the command line: a duration back from now (`30d`, `12h`), a day (`2026-11-01`,
 * its midnight in the team's zone) or an ISO time. Undefined when it is none of these.
 */
export function parseMoment(text: string, now: Date, zone: string): Date | undefined {
  const back = parseDuration(text);
  if (back !== undefined) return new Date(now.getTime() - back * 1000);
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? DateTime.fromISO(text, { zone })
    : DateTime.fromISO(text, { zone, setZone: true });
  return at.isValid ? at.toJSDate() : undefined;
}

/**
 * The period of `--since` and `--until`: `--until` defaults to now, and a duration in `--since`
 * counts back from `--until` (a duration in `--until` from now). The error names what was wrong.
 */
export function parsePeriod(
  sinceText: string,
  untilText: string | undefined,
  now: Date,
  zone: string,
): { since: Date; until: Date } | string {
  const until = untilText === undefined ? now : parseMoment(untilText, now, zone);
  if (!until) return `--until "${untilText}" is not a duration, a day or an ISO time`;
  const since = parseMoment(sinceText, until, zone);
  if (!since) return `--since "${sinceText}" is not a duration, a day or an ISO time`;
  if (since >= until)
    return `--since (${since.toISOString()}) must come before --until (${until.toISOString()})`;
  return { since, until };
}

/** The period, or undefined once the problem and the usage are printed (the command exits 2). */
export function periodOrUsage(
  sinceText: string,
  untilText: string | undefined,
  now: Date,
  zone: string,
  io: CliIo,
  usage: string,
): { since: Date; until: Date } | undefined {
  const period = parsePeriod(sinceText, untilText, now, zone);
  if (typeof period !== 'string') return period;
  io.err(
    `${period}: --since and --until take 30d, 2026-11-01 or an ISO time, with since before until (a duration in --since counts back from --until, which defaults to now)\n\nUsage:\n${usage}\n`,
  );
  return undefined;
}

export function labelsOf(config: DispatchConfig): ReportLabels {
  const names = new Map(config.agents.map((a) => [a.id, a.name]));
  return {
    team: config.team.name,
    zone: config.team.timezone,
    agentName: (id) => names.get(id) ?? id,
  };
}

/** `lead-dispatch report …` against DATABASE_PATH and DISPATCH_CONFIG; read-only, safe beside a running app. */
export function reportCommand(args: string[], io: CliIo, now: Date = new Date()): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        by: { type: 'string' },
        csv: { type: 'boolean' },
        json: { type: 'boolean' },
        config: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${REPORT_USAGE}\n`);
    return 2;
  }
  const by = typeof values.by === 'string' ? values.by : undefined;
  if (by !== undefined && !(BY as readonly string[]).includes(by)) {
    io.err(`--by takes one of ${BY.join(', ')}, not "${by}"\n\nUsage:\n${REPORT_USAGE}\n`);
    return 2;
  }
  if (values.csv && values.json) {
    io.err(`choose one of --csv and --json\n\nUsage:\n${REPORT_USAGE}\n`);
    return 2;
  }
  const configFile =
    typeof values.config === 'string' ? values.config : io.env.DISPATCH_CONFIG || './dispatch.yml';
  const config = loadDispatchConfig(configFile);
  const zone = config.team.timezone;
  const sinceText = typeof values.since === 'string' ? values.since : '30d';
  const period = periodOrUsage(
    sinceText,
    typeof values.until === 'string' ? values.until : undefined,
    now,
    zone,
    io,
    REPORT_USAGE,
  );
  if (!period) return 2;
  const { since, until } = period;
  const db = openForReading(io);
  if (!db) return 1;
  try {
    const group = by === 'agent' || by === undefined ? undefined : (by as GroupBy);
    const report = buildReport(db.$client, config, since, until, group, now);
    const labels = labelsOf(config);
    if (values.json) io.out(renderJson(report, labels));
    else if (values.csv) io.out(renderCsv(report, labels, by === 'agent' ? 'agent' : undefined));
    else io.out(renderText(report, labels));
    return 0;
  } finally {
    db.$client.close();
  }
}

/** DATABASE_PATH opened read-only, or undefined after one line on stderr saying why not. */
export function openForReading(io: CliIo): Db | undefined {
  try {
    return openDatabaseReadOnly(io.env.DATABASE_PATH || './data/dispatch.db');
  } catch (error) {
    if (!(error instanceof DatabaseUnreadable)) throw error;
    io.err(`lead-dispatch: ${error.message}\n`);
    return undefined;
  }
}
