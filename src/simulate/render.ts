import { DateTime } from 'luxon';
import type { Outcome, ReplayResult, SimulatedLead, SimulatedStep } from './result.js';

/** The replay as text for a person: a header with its caveats, one line per lead, then the tables. */
export function renderReplay(result: ReplayResult, files: { config: string; leads: string }): string {
  const when = (iso: string) =>
    DateTime.fromISO(iso, { zone: result.timezone }).toFormat('ccc yyyy-MM-dd HH:mm');
  const typeWidth = Math.max(4, ...result.leads.map((l) => (l.type ?? '-').length));
  const ruleWidth = Math.max(4, ...result.leads.map((l) => (l.rule ?? '-').length));
  const rowWidth = Math.max(3, ...result.leads.map((l) => String(l.row).length));
  const leadLine = (l: SimulatedLead) =>
    [
      String(l.row).padStart(rowWidth),
      (l.receivedAt ? when(l.receivedAt) : '-').padEnd(20),
      (l.type ?? '-').padEnd(typeWidth),
      (l.rule ?? '-').padEnd(ruleWidth),
      outcomeText(l, when) + flagText(l.keptAsSent),
    ].join('  ');

  const { totals } = result;
  return [
    `Routing simulation of ${files.leads} with ${files.config} (${result.team})`,
    `Times are in ${result.timezone}. Nothing is sent to Slack and no database is touched.`,
    ...result.notes.map((n) => `  - ${n}`),
    '',
    `  ${'row'.padStart(rowWidth)}  ${'received'.padEnd(20)}  ${'type'.padEnd(typeWidth)}  ${'rule'.padEnd(ruleWidth)}  outcome`,
    ...result.leads.map((l) => `  ${leadLine(l)}`),
    '',
    ...agentTable(result),
    '',
    ...ruleTable(result),
    '',
    `Totals: ${plural(totals.leads, 'lead')}: ${totals.offered} offered, ${totals.held} held, ` +
      `${plural(totals.exceptions, 'exception')}, ${plural(totals.duplicates, 'duplicate')}, ${totals.invalid} invalid`,
  ].join('\n');
}

/** What the agent's DM would flag: fields kept as sent, and a lead with no way to reach them. */
function flagText(fields: readonly string[] = []): string {
  const kept = fields.filter((f) => f !== 'contact');
  const parts = [
    ...(kept.length > 0 ? [`kept as sent: ${kept.join(', ')}`] : []),
    ...(fields.includes('contact') ? ['no phone or email'] : []),
  ];
  return parts.length > 0 ? `  [${parts.join('; ')}]` : '';
}

function outcomeText(l: SimulatedLead, when: (iso: string) => string): string {
  const o: Outcome = l.outcome;
  switch (o.kind) {
    case 'offer':
      return `offer: ${chainText(l.chain)}`;
    case 'held': {
      const waiting = o.waitingFor.map((a) => a.name).join(', ');
      const r = o.release;
      const then =
        r.kind === 'offer'
          ? `offer: ${chainText(l.chain)}`
          : r.kind === 'exception'
            ? `EXCEPTION: ${r.reason}`
            : `still held until ${when(r.until)}`;
      return `held until ${when(o.until)} (waiting for ${waiting}), then ${then}`;
    }
    case 'exception':
      return `EXCEPTION: ${o.reason}`;
    case 'duplicate':
      return `duplicate of row ${o.of} (same ${o.matchedOn})`;
    case 'invalid':
      return `invalid: ${o.reasons.join('; ')}`;
  }
}

/** Names in offer order; the first with why it is theirs. */
function chainText(chain: SimulatedStep[]): string {
  return chain
    .map((step, i) => {
      const names = step.agents.map((a) => a.name).join(', ');
      const who = step.firstToClaim ? `first to claim: ${names}` : names;
      return i === 0 ? `${who} (${step.reason})` : who;
    })
    .join(' → ');
}

function agentTable(result: ReplayResult): string[] {
  const nameWidth = Math.max(...result.agents.map((a) => a.name.length), 'Per agent'.length);
  const pct = (n: number | null) => (n === null ? '-' : `${Math.round(n * 100)}%`);
  return [
    `${'Per agent'.padEnd(nameWidth + 2)}  offered first  share  weight share         zip match  first to claim`,
    ...result.agents.map((a) => {
      const weight = a.active
        ? a.weightShare === null
          ? `(weight ${a.weight})`
          : `(weight ${a.weight} → ${pct(a.weightShare)})`
        : '(inactive)';
      return [
        `  ${a.name.padEnd(nameWidth)}`,
        String(a.offered).padStart(13),
        pct(a.share).padStart(5),
        weight.padEnd(19),
        String(a.zipMatches).padStart(9),
        String(a.inPools).padStart(14),
      ].join('  ');
    }),
  ];
}

function ruleTable(result: ReplayResult): string[] {
  const label = (rule: string | null) => rule ?? '(could not classify)';
  const width = Math.max('Per rule'.length, ...result.rules.map((r) => label(r.rule).length));
  return [
    `${'Per rule'.padEnd(width + 2)}  leads  offered  held  exceptions`,
    ...result.rules.map((r) =>
      [
        `  ${label(r.rule).padEnd(width)}`,
        String(r.leads).padStart(5),
        String(r.offered).padStart(7),
        String(r.held).padStart(4),
        String(r.exceptions).padStart(10),
      ].join('  '),
    ),
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
