import type { KnownBlock } from '@slack/types';
import { formatMeasured } from '../../core/duration.js';
import { ratio } from '../../reports/measures.js';
import {
  agentRows,
  fairnessRows,
  headlineTable,
  passReasonsLine,
  periodLine,
  type ReportLabels,
  table,
} from '../../reports/render.js';
import type { Report } from '../../reports/report.js';
import { context, section } from './elements.js';
import { clip, escapeText } from './format.js';

/** Slack refuses a section over 3,000 characters: a long table is cut, and says so. */
const SECTION_MAX = 3000;

function preformatted(text: string): KnownBlock {
  const fence = (t: string) => `\`\`\`${escapeText(t)}\`\`\``;
  if (fence(text).length <= SECTION_MAX) return section(fence(text));
  const lines = text.split('\n');
  while (lines.length > 1 && fence(`${lines.join('\n')}\n…`).length > SECTION_MAX) lines.pop();
  return section(fence(`${lines.join('\n')}\n…`));
}

/** `/dispatch stats`: the team's figures for a leader, privately. */
export function renderStats(report: Report, labels: ReportLabels): { text: string; blocks: KnownBlock[] } {
  const days = Math.round((report.until.getTime() - report.since.getTime()) / 86_400_000);
  const title = `Team figures, last ${days} days`;
  return {
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      context(escapeText(periodLine(report, labels))),
      preformatted(headlineTable(report)),
      section(escapeText(passReasonsLine(report))),
      preformatted(table(agentRows(report, labels))),
      ...(report.fairness.length > 0 ? [preformatted(table(fairnessRows(report, labels)))] : []),
    ],
  };
}

/** What a digest points out beyond the table. */
export interface DigestNotes {
  best: string | null;
  worst: string | null;
  over: string[];
  under: string[];
  decisions: string[];
}

/**
 * Best and worst sources (by the SLA hit rate of the first offer), who is 10 points or more off
 * their weight's share, and what needs a leader: an agent who let 3 or more offers lapse, a source
 * whose every lead (2 or more) was escalated. Reads a report grouped by source.
 */
export function digestNotes(report: Report, labels: ReportLabels): DigestNotes {
  const sources = (report.groups?.by === 'source' ? report.groups.rows : []).map(({ key, figures }) => ({
    source: key,
    figures,
    rate: ratio(figures.slaFirstOffer),
  }));
  const rated = sources
    .filter((s) => s.rate !== null)
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || a.source.localeCompare(b.source));
  const said = (s: { source: string; rate: number | null } | undefined) =>
    s ? `${s.source}: ${Math.round((s.rate ?? 0) * 100)}% claimed within the first offer's window` : null;
  const over: string[] = [];
  const under: string[] = [];
  for (const f of report.fairness) {
    const line = `${labels.agentName(f.agentId)} (${f.rule}: ${Math.round(f.share * 100)}% of first offers, weight ${Math.round(f.weightShare * 100)}%)`;
    if (f.share - f.weightShare >= 0.1) over.push(line);
    else if (f.weightShare - f.share >= 0.1) under.push(line);
  }
  const decisions: string[] = [];
  for (const a of report.agents)
    if (a.lapses >= 3) decisions.push(`${labels.agentName(a.agentId)} let ${a.lapses} offers lapse`);
  for (const { source, figures } of sources)
    if (figures.leads >= 2 && figures.escalated === figures.leads)
      decisions.push(`every ${source} lead (${figures.leads}) was escalated`);
  return {
    best: said(rated[0]),
    worst: rated.length > 1 ? said(rated.at(-1)) : null,
    over,
    under,
    decisions,
  };
}

/** The weekly digest in the leaders' channel (the chart follows in its thread). */
export function renderDigest(report: Report, labels: ReportLabels): { text: string; blocks: KnownBlock[] } {
  const notes = digestNotes(report, labels);
  const f = report.figures;
  const claim = f.timeToClaim.median === null ? 'no claims' : formatMeasured(f.timeToClaim.median);
  const sla = ratio(f.slaFirstOffer);
  const text = `Weekly digest: ${f.leads} leads, median time to claim ${claim}, SLA hit ${sla === null ? '–' : `${Math.round(sla * 100)}%`}`;
  const list = (items: string[]) => (items.length === 0 ? 'nobody' : items.map(escapeText).join('; '));
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Weekly digest' } },
      context(escapeText(periodLine(report, labels))),
      preformatted(headlineTable(report)),
      section(
        clip(
          [
            `*Best source:* ${escapeText(notes.best ?? 'not enough leads to say')}`,
            `*Worst source:* ${escapeText(notes.worst ?? 'not enough leads to say')}`,
            `*Over their share:* ${list(notes.over)}`,
            `*Under their share:* ${list(notes.under)}`,
          ].join('\n'),
          SECTION_MAX,
        ),
      ),
      section(
        notes.decisions.length === 0
          ? '*Needs a decision:* nothing this week'
          : clip(
              `*Needs a decision:*\n${notes.decisions.map((d) => `• ${escapeText(d)}`).join('\n')}`,
              SECTION_MAX,
            ),
      ),
    ],
  };
}
