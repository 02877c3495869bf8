import type { Db } from '../db/connection.js';

/**
 * What became of lead `id` once the engine routed it, in the page's words ("Lead #3 sent — watch Dana
 * Reyes's column"); undefined while it is still only received. Read from the rows, as the page's reader
 * would look for it: the live offer's agent, a hold until opening, the leaders' channel.
 */
export function leadOutcome(db: Db, id: number, names: Readonly<Record<string, string>>): string | undefined {
  const sql = db.$client;
  const task = sql.prepare('select status from tasks where id = ?').get(id) as { status: string } | undefined;
  if (!task || task.status === 'received') return undefined;
  const lead = `Lead #${id}`;
  switch (task.status) {
    case 'offered': {
      const offer = sql
        .prepare(
          `select agent_id as agent from offers where task_id = ? and status = 'live' order by id limit 1`,
        )
        .get(id) as { agent: string | null } | undefined;
      const name = offer?.agent ? names[offer.agent] : undefined;
      return name ? `${lead} sent — watch ${name}'s column` : `${lead} offered to a pool`;
    }
    case 'held':
      return `${lead} received after hours: held until opening`;
    case 'escalated':
      return `${lead} sent to # leaders`;
    case 'merged':
      return `${lead}: the same person as an earlier lead — a note on it, not a new offer`;
    default:
      return `${lead} received`;
  }
}
