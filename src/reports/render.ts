import { formatMeasured } from '../core/duration.js';
import { GROUP_MEASURES, MEASURES, type Report } from './report.js';

/** How a report names agents and days: the roster's names, the team's zone. */
export interface ReportLabels {
  team: string;
  zone: string;
  agentName(id: string): string;
}

const day = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
const pct = (n: number) => `${Math.round(n * 100)}%`;

/** Columns padded to their widest cell, two spaces apart. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function periodLine(report: Report, labels: ReportLabels): string {
  const days = Math.round((report.until.getTime() - report.since.getTime()) / 86_400_000);
  const span = days === 1 ? '1 day' : `${days} days`;
  // `until` is exclusive: the last day shown is the last one included.
  const first = day(report.since, labels.zone);
  const last = day(new Date(report.until.getTime() - 1), labels.zone);
  const dates = first === last ? first : `${first} to ${last}`;
  return `${labels.team}: ${dates} (${span}, ${labels.zone}), beside the ${span} before`;
}

export function passReasonsLine(report: Report): string {
  const reasons = Object.entries(report.figures.passReasons).sort(([a], [b]) => a.localeCompare(b));
  return reasons.length === 0
    ? 'Pass reasons: none given'
    : `Pass reasons: ${reasons.map(([r, n]) => `${r.replace('_', ' ')} ${n}`).join(' · ')}`;
}

export function agentRows(report: Report, labels: ReportLabels): string[][] {
  return [
    ['agent', 'offers', 'claims', 'passes', 'wrong area/price', 'lapsed', 'offer → claim, median'],
    ...report.agents.map((a) => [
      labels.agentName(a.agentId),
      String(a.offers),
      String(a.claims),
      String(a.passes),
      String(a.misassignedPasses),
      String(a.lapses),
      a.timeToClaim.median === null ? '–' : formatMeasured(a.timeToClaim.median),
    ]),
  ];
}

export function fairnessRows(report: Report, labels: ReportLabels): string[][] {
  return [
    ['rule', 'agent', 'first offers', 'share', 'weight share'],
    ...report.fairness.map((f) => [
      f.rule,
      labels.agentName(f.agentId),
      String(f.offers),
      pct(f.share),
      pct(f.weightShare),
    ]),
  ];
}

/** The research's table: this period, the previous one, by hand. Every view shows it in these words. */
export function headlineTable(report: Report): string {
  return table([
    ['measure', 'this period', 'previous period', 'manual baseline'],
    ...MEASURES.map((m) => [m.label, m.text(report.figures), m.text(report.previous), m.baseline ?? '']),
  ]);
}

/** The default output: the headline table, then who did what. */
export function renderText(report: Report, labels: ReportLabels): string {
  const parts = [periodLine(report, labels), '', headlineTable(report), '', passReasonsLine(report)];
  if (report.groups) {
    parts.push(
      '',
      `By ${report.groups.by}:`,
      table([
        [report.groups.by, ...GROUP_MEASURES.map((m) => m.label.replace(', median', ''))],
        ...report.groups.rows.map((g) => [g.key, ...GROUP_MEASURES.map((m) => m.text(g.figures))]),
      ]),
    );
  } else {
    parts.push('', 'By agent:', table(agentRows(report, labels)));
    parts.push('', 'Fairness (share of each rule’s first offers beside the weight’s share):');
    parts.push(report.fairness.length === 0 ? 'no offers' : table(fairnessRows(report, labels)));
  }
  return `${parts.join('\n')}\n`;
}

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const csv = (rows: Array<Array<string | number | null>>) =>
  `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;

/** Numbers as numbers (seconds, fractions), so a spreadsheet can compute with them. */
export function renderCsv(report: Report, labels: ReportLabels, by?: 'agent'): string {
  if (by === 'agent')
    return csv([
      [
        'agent_id',
        'agent',
        'offers',
        'claims',
        'passes',
        'misassigned_passes',
        'lapses',
        'offer_to_claim_median_s',
        'offer_to_claim_p90_s',
      ],
      ...report.agents.map((a) => [
        a.agentId,
        labels.agentName(a.agentId),
        a.offers,
        a.claims,
        a.passes,
        a.misassignedPasses,
        a.lapses,
        a.timeToClaim.median,
        a.timeToClaim.p90,
      ]),
    ]);
  if (report.groups)
    return csv([
      [report.groups.by, ...MEASURES.map((m) => m.key)],
      ...report.groups.rows.map((g) => [g.key, ...MEASURES.map((m) => m.value(g.figures))]),
    ]);
  return csv([
    ['measure', 'this_period', 'previous_period', 'manual_baseline'],
    ...MEASURES.map((m) => [m.key, m.value(report.figures), m.value(report.previous), m.baseline ?? null]),
  ]);
}

export function renderJson(report: Report, labels: ReportLabels): string {
  const measures = Object.fromEntries(
    MEASURES.map((m) => [
      m.key,
      { this: m.value(report.figures), previous: m.value(report.previous), baseline: m.baseline ?? null },
    ]),
  );
  const body = {
    team: labels.team,
    since: report.since.toISOString(),
    until: report.until.toISOString(),
    measures,
    passReasons: report.figures.passReasons,
    agents: report.agents.map((a) => ({ ...a, name: labels.agentName(a.agentId) })),
    fairness: report.fairness,
    ...(report.groups
      ? {
          groups: {
            by: report.groups.by,
            rows: report.groups.rows.map((g) => ({
              key: g.key,
              measures: Object.fromEntries(MEASURES.map((m) => [m.key, m.value(g.figures)])),
            })),
          },
        }
      : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
