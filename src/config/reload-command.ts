import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { CliIo } from '../crm/fub/cli.js';
import { openDatabase } from '../db/connection.js';
import type { ConfigReloadRow } from '../db/schema.js';
import { findReload, requestReload } from '../dispatch/reload-config.js';
import { ConfigError, loadDispatchConfigWithWarnings, warningLine } from './load-dispatch.js';

export const RELOAD_USAGE = `  reload [--wait <seconds>]
                        check dispatch.yml as check-config does, then have the running app (the one
                        on DATABASE_PATH) reload it, and print what changed (default wait 15 s)`;

/**
 * `lead-dispatch reload`: the running app may be another process, a container or a service, so
 * this one asks through the database they share: it checks the file first (check-config's errors
 * and warnings, exit 1 when invalid, and nothing is asked), writes a request row, and waits for
 * the running app's sweeper (every second) to answer it with the outcome. No PID file or signal
 * to get wrong; the app reloads its own DISPATCH_CONFIG.
 */
export async function reloadCommand(
  args: string[],
  io: CliIo,
  /** How often the answer is looked for (ms): tests make it short. */
  pollMs = 200,
): Promise<number> {
  let waitSeconds = 15;
  try {
    const { values } = parseArgs({ args, options: { wait: { type: 'string' } }, strict: true });
    if (values.wait !== undefined) {
      waitSeconds = Number(values.wait);
      if (!Number.isFinite(waitSeconds) || waitSeconds <= 0)
        throw new Error('--wait takes a number of seconds');
    }
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${RELOAD_USAGE}\n`);
    return 2;
  }
  const file = io.env.DISPATCH_CONFIG || './dispatch.yml';
  try {
    const { config, warnings } = loadDispatchConfigWithWarnings(file, (name) => io.env[name]);
    for (const w of warnings) io.out(`warning: ${warningLine(file, w)}\n`);
    io.out(`${file} is valid: ${config.agents.length} agents, ${config.rules.length} rules\n`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\nnot reloaded: the running app keeps the rules it has\n`);
    return 1;
  }

  const dbPath = io.env.DATABASE_PATH || './data/dispatch.db';
  if (!existsSync(dbPath)) {
    io.err(`no database at ${dbPath}: set DATABASE_PATH to the running app's database\n`);
    return 1;
  }
  const db = openDatabase(dbPath);
  try {
    let id: number;
    try {
      id = requestReload({ db }, new Date());
    } catch (error) {
      if (!String(error).includes('no such table')) throw error;
      io.err('the database is older than this command: restart lead-dispatch to apply dispatch.yml\n');
      return 1;
    }
    for (let waited = 0; waited < waitSeconds * 1000; waited += pollMs) {
      const row = findReload({ db }, id);
      if (row?.doneAt) return printOutcome(row, file, io);
      await delay(pollMs);
    }
    io.err(
      `no running lead-dispatch answered within ${waitSeconds} s (is it running on DATABASE_PATH=${dbPath}?). ` +
        'The request stays: the app answers it when it runs; a restart reads dispatch.yml anyway.\n',
    );
    return 1;
  } finally {
    db.$client.close();
  }
}

function printOutcome(row: ConfigReloadRow, file: string, io: CliIo): number {
  const read = row.file ?? 'its DISPATCH_CONFIG';
  if (row.file && resolve(row.file) !== resolve(file))
    io.err(`note: the running app reads ${row.file}, not ${file}; that is the file it reloaded\n`);
  const counts = `${row.agents ?? '?'} agents, ${row.rules ?? '?'} rules`;
  if (row.outcome === 'refused') {
    io.err(`the running app kept its config: ${read} has problems:\n`);
    for (const line of row.report) io.err(`  ${line}\n`);
    return 1;
  }
  if (row.outcome === 'unchanged') {
    io.out(`the running app already has ${read} in force (${counts}); nothing changed\n`);
    return 0;
  }
  io.out(`reloaded: the running app now has ${counts}\n`);
  for (const line of row.report) io.out(`  ${line}\n`);
  return 0;
}
