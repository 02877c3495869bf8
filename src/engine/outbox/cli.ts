import { parseArgs } from 'node:util';
import { systemClock } from '../../clock.js';
import type { CliIo } from '../../crm/fub/cli.js';
import { migrateDatabase, openDatabase } from '../../db/connection.js';
import { deadOutbox, retryDeadOutbox } from './retry.js';

export const OUTBOX_USAGE = `  outbox list           deliveries to outside systems (CRM write-backs, webhooks) that failed for good
  outbox retry <id|--all-dead>
                        send failed deliveries again; a running app picks them up within a second`;

/** `lead-dispatch outbox …` against DATABASE_PATH: works whether or not the app is running (WAL). */
export function outboxCommand(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { 'all-dead': { type: 'boolean' } },
    allowPositionals: true,
    strict: false,
  });
  const db = openDatabase(io.env.DATABASE_PATH || './data/dispatch.db');
  try {
    migrateDatabase(db);
    // Retrying needs no routing config: only the database and a clock.
    const ctx = { db, clock: systemClock };
    if (sub === 'list') {
      const dead = deadOutbox(ctx);
      if (dead.length === 0) io.out('no failed deliveries\n');
      for (const d of dead)
        io.out(
          `#${d.id}  ${d.topic}  task ${d.taskId ?? '-'}  ${d.attempts} tries  ${d.deadAt?.toISOString() ?? ''}  ${d.error ?? ''}\n`,
        );
      return 0;
    }
    if (sub === 'retry') {
      const id = Number(positionals[0]);
      if (!values['all-dead'] && !(Number.isInteger(id) && id > 0)) {
        io.err(`give an outbox id or --all-dead\n\nUsage:\n${OUTBOX_USAGE}\n`);
        return 2;
      }
      const revived = retryDeadOutbox(ctx, values['all-dead'] ? 'all' : id, 'cli');
      io.out(
        revived.length === 0
          ? 'nothing to retry: no such failed delivery\n'
          : `sent again: ${revived.map((r) => `#${r}`).join(', ')}\n`,
      );
      return revived.length === 0 && !values['all-dead'] ? 1 : 0;
    }
    io.err(`unknown outbox command "${sub ?? ''}"\n\nUsage:\n${OUTBOX_USAGE}\n`);
    return 2;
  } finally {
    db.$client.close();
  }
}
