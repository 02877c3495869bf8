import { DateTime } from 'luxon';
import { loadDispatchConfig } from '../config/load-dispatch.js';
import type { CliIo } from '../crm/fub/cli.js';
import { openForReading, periodOrUsage } from '../reports/cli.js';
import { table } from '../reports/render.js';
import { compareWithHistory, historyRows, readHistory, type WhatIf } from './from-db.js';
import { replay } from './replay.js';

export const WHAT_IF_USAGE = `  simulate [--config <dispatch.yml>] --since 30d [--until <date>] [--json]
                        what-if on real history: the leads stored in the period (DATABASE_PATH)
                        replayed through a current or proposed dispatch.yml, beside who got each`;

export interface WhatIfOptions {
  config: string;
  since: string;
  until?: string;
  json?: boolean;
}

/** `lead-dispatch simulate --config proposed.yml --since 30d`: who would have got each lead, and who did. */
export function whatIfCommand(options: WhatIfOptions, io: CliIo, now: Date = new Date()): number {
  const config = loadDispatchConfig(options.config);
  const zone = config.team.timezone;
  const period = periodOrUsage(options.since, options.until, now, zone, io, WHAT_IF_USAGE);
  if (!period) return 2;
  const { since, until } = period;
  const db = openForReading(io);
  if (!db) return 1;
  try {
    const history = readHistory(db.$client, since, until);
    const whatIf = compareWithHistory(config, history, replay(config, historyRows(history)));
    if (options.json) {
      io.out(`${JSON.stringify({ configFile: options.config, since, until, ...whatIf }, null, 2)}\n`);
      return 0;
    }
    io.out(renderWhatIf(whatIf, { config: options.config, since, until, zone, names: nameOf(config) }));
    return 0;
  } finally {
    db.$client.close();
  }
}

function nameOf(config: { agents: Array<{ id: string; name: string }> }) {
  const names = new Map(config.agents.map((a) => [a.id, a.name]));
  return (ids: string[]) => (ids.length === 0 ? 'nobody' : ids.map((id) => names.get(id) ?? id).join(' / '));
}

/** The rules' first decision then, in the words the "now" column uses. */
function didFirst(did: WhatIf['leads'][number]['did'], names: (ids: string[]) => string): string {
  if (did.decision === 'exception') return 'exception';
  if (did.decision === 'held')
    return did.firstOffer.length > 0 ? `held, then ${names(did.firstOffer)}` : 'held';
  return names(did.firstOffer);
}

interface WhatIfLabels {
  config: string;
  since: Date;
  until: Date;
  zone: string;
  names: (ids: string[]) => string;
}

export function renderWhatIf(w: WhatIf, l: WhatIfLabels): string {
  const day = (at: Date) => DateTime.fromJSDate(at, { zone: l.zone }).toFormat('yyyy-MM-dd');
  const when = (iso: string) => DateTime.fromISO(iso, { zone: l.zone }).toFormat('MMM d, h:mm a');
  const rows = w.leads.map((lead) => [
    `${lead.changed ? '*' : ' '} #${lead.taskId}`,
    when(lead.receivedAt),
    `${lead.did.rule ?? '(no rule)'} → ${didFirst(lead.did, l.names)} → ${lead.did.owner ? l.names([lead.did.owner]) : 'unclaimed'}`,
    lead.would.outcome === 'offer'
      ? `${lead.would.rule ?? '(no rule)'} → ${l.names(lead.would.firstOffer)}`
      : lead.would.firstOffer.length > 0
        ? `${lead.would.rule ?? '(no rule)'} → ${lead.would.outcome}, then ${l.names(lead.would.firstOffer)}`
        : `${lead.would.rule ?? '(no rule)'} → ${lead.would.outcome}`,
  ]);
  return [
    `What-if: ${w.leads.length} leads stored ${day(l.since)} to ${day(l.until)} (${l.zone}), replayed through ${l.config}`,
    '',
    table([['  task', 'received', 'then: rule → first offer → owner', 'now: rule → first offer'], ...rows]),
    '',
    `${w.changed} of ${w.leads.length} leads would be offered first to someone else (marked *).`,
    '',
    table([
      ['agent', 'first offers then', 'first offers now'],
      ...w.agents.map((a) => [a.name, String(a.did), String(a.would)]),
    ]),
    '',
  ].join('\n');
}
