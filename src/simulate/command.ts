import { parseArgs } from 'node:util';
import { loadDispatchConfig } from '../config/load-dispatch.js';
import type { CliIo } from '../crm/fub/cli.js';
import { type LeadsFile, LeadsFileError, readLeadsFile } from './read-leads.js';
import { renderReplay } from './render.js';
import { replay } from './replay.js';
import { whatIfCommand } from './what-if-command.js';

const processIo: CliIo = {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * `lead-dispatch simulate --config dispatch.yml --leads leads.csv [--json]`: replays past leads
 * through the rules and prints who would have got each. A bad config throws the loader's
 * ConfigError, so it reads exactly as check-config's; a usage mistake returns 2.
 */
export function simulateCommand(
  args: string[],
  usage: string,
  io: CliIo = processIo,
  now = new Date(),
): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let values: {
    config?: string | undefined;
    leads?: string | undefined;
    json?: boolean | undefined;
    since?: string | undefined;
    until?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        leads: { type: 'string' },
        json: { type: 'boolean' },
        since: { type: 'string' },
        until: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  const { config: configFile, leads: leadsFile, json } = values;
  // Real history instead of a file: the database's leads of a period, through --config or, as
  // `report` reads it, DISPATCH_CONFIG.
  if (!leadsFile && values.since) {
    const config = configFile ?? (io.env.DISPATCH_CONFIG || './dispatch.yml');
    return whatIfCommand({ config, since: values.since, until: values.until, json }, io, now);
  }
  if (!configFile || !leadsFile) {
    io.err(
      `simulate needs --config <dispatch.yml> and --leads <file.csv|file.json>, or --since 30d to replay the database's leads\n\n${usage}\n`,
    );
    return 2;
  }
  const config = loadDispatchConfig(configFile);
  let file: LeadsFile;
  try {
    file = readLeadsFile(leadsFile);
  } catch (error) {
    if (!(error instanceof LeadsFileError)) throw error;
    process.stderr.write(`lead-dispatch: ${error.message}\n`);
    return 1;
  }
  const result = replay(config, file.rows);
  const withNotes = { ...result, notes: [...file.notes, ...result.notes] };
  process.stdout.write(
    json
      ? `${JSON.stringify({ configFile, leadsFile, ...withNotes }, null, 2)}\n`
      : `${renderReplay(withNotes, { config: configFile, leads: leadsFile })}\n`,
  );
  return 0;
}
