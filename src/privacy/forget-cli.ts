import type { CliIo } from '../crm/fub/cli.js';
import { migrateDatabase, openDatabase } from '../db/connection.js';
import { forgetPerson, readPerson } from './forget.js';

export const FORGET_USAGE = `  forget <phone or email>
                        remove one person's contact details now, from every task and event
                        (works while the app runs; their Slack messages are updated)`;

const EXAMPLES = `Examples:
  lead-dispatch forget "(512) 555-0142"
  lead-dispatch forget jane.buyer@example.com`;

/** `lead-dispatch forget <phone or email>` against DATABASE_PATH. */
export function forgetCommand(args: string[], io: CliIo, now: Date): number {
  const text = args.filter((a) => !a.startsWith('--')).join(' ');
  const person = text.trim() ? readPerson(text) : undefined;
  if (!person) {
    io.err(
      `${text.trim() ? `"${text.trim()}" is neither a phone number nor an email address` : 'forget needs a phone number or an email address'}\n\nUsage:\n${FORGET_USAGE}\n\n${EXAMPLES}\n`,
    );
    return 2;
  }
  const db = openDatabase(io.env.DATABASE_PATH || './data/dispatch.db');
  try {
    migrateDatabase(db);
    const result = forgetPerson(db, person, now);
    const who = 'phone' in person ? person.phone : person.email;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    io.out(
      result.tasks === 0
        ? `no task holds ${who}: nothing changed\n`
        : `removed the contact details of ${who} from ${plural(result.tasks, 'task')} and ${plural(result.events, 'event')} (${plural(result.tasks, 'details_removed event')} recorded)\n`,
    );
    if (result.optOutKept)
      io.out(
        `kept: ${who} texted STOP, and its opt-out stays so it is never texted again (the number alone)\n`,
      );
    return 0;
  } finally {
    db.$client.close();
  }
}
