import { parseArgs } from 'node:util';
import type { CliIo } from '../crm/fub/cli.js';
import { BackupRefused, type BackupSummary, backupDatabase, restoreDatabase } from './backup.js';

export const BACKUP_USAGE = `  backup <file> [--force]
                        a consistent copy of DATABASE_PATH, safe while the app runs
  restore <file>        put a backup in place of DATABASE_PATH (the app must be stopped);
                        the replaced database is kept as <db>.before-restore-<time>`;

const EXAMPLE = 'lead-dispatch backup backups/dispatch-2026-12-01.db';

/** `lead-dispatch backup FILE [--force]`. */
export async function backupCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = fileArgument(args, io, 'backup');
  if (!parsed) return 2;
  const source = io.env.DATABASE_PATH || './data/dispatch.db';
  try {
    const summary = await backupDatabase(source, parsed.file, { force: parsed.force });
    io.out(`backed up ${source} to ${parsed.file}: ${describe(summary)}\n`);
    return 0;
  } catch (error) {
    return refused(error, io);
  }
}

/** `lead-dispatch restore FILE`. */
export function restoreCommand(args: string[], io: CliIo, now: Date): number {
  const parsed = fileArgument(args, io, 'restore');
  if (!parsed) return 2;
  const target = io.env.DATABASE_PATH || './data/dispatch.db';
  try {
    const result = restoreDatabase(parsed.file, target, now);
    io.out(
      `restored ${parsed.file} to ${target}: ${describe(result)}\n${
        result.keptAside ? `the database it replaced is kept as ${result.keptAside}\n` : ''
      }`,
    );
    return 0;
  } catch (error) {
    return refused(error, io);
  }
}

function fileArgument(
  args: string[],
  io: CliIo,
  command: string,
): { file: string; force: boolean } | undefined {
  const { values, positionals } = parseArgs({
    args,
    options: { force: { type: 'boolean' } },
    allowPositionals: true,
    strict: false,
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    io.err(`${command} needs one file name\n\nUsage:\n${BACKUP_USAGE}\n\nExample: ${EXAMPLE}\n`);
    return undefined;
  }
  return { file, force: values.force === true };
}

function refused(error: unknown, io: CliIo): number {
  if (error instanceof BackupRefused) {
    io.err(`lead-dispatch: ${error.message}\n`);
    return 1;
  }
  throw error;
}

/** "2.4 MB, 1,204 leads (newest 2026-12-01T09:14:03Z), 9,881 events, 6 agents" */
export function describe(s: BackupSummary): string {
  const size =
    s.bytes >= 1_048_576 ? `${(s.bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(s.bytes / 1024)} kB`;
  const n = (x: number) => x.toLocaleString('en-US');
  const newest = s.newestTask ? ` (newest ${s.newestTask.toISOString().replace(/\.\d{3}Z$/, 'Z')})` : '';
  return `${size}, ${n(s.tasks)} leads${newest}, ${n(s.events)} events, ${n(s.agents)} agents`;
}
