import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { AgentSummary, ReplayResult, RuleSummary, SimulatedLead, Totals } from './result.js';

/** Whether the lead ends up offered to someone: on arrival, or once its hold ends. */
export function isOffered(lead: SimulatedLead): boolean {
  const o = lead.outcome;
  return o.kind === 'offer' || (o.kind === 'held' && o.release.kind === 'offer');
}

/** The per-agent and per-rule tables, the totals and the caveats of a replay. */
export function summarize(
  config: DispatchConfig,
  leads: SimulatedLead[],
): Omit<ReplayResult, 'team' | 'timezone'> {
  return {
    notes: notesFor(config),
    leads,
    agents: agentsOf(config, leads),
    rules: rulesOf(config, leads),
    totals: totalsOf(leads),
  };
}

function agentsOf(config: DispatchConfig, leads: SimulatedLead[]): AgentSummary[] {
  const offered = leads.filter(isOffered);
  const rows = config.agents.map((a) => {
    const firsts = offered.filter((l) => {
      const first = l.chain[0];
      return first && !first.firstToClaim && first.agents[0]?.id === a.id;
    });
    return {
      id: a.id,
      name: a.name,
      weight: a.weight,
      active: a.active,
      offered: firsts.length,
      zipMatches: firsts.filter((l) => l.zip !== null && a.zips.includes(l.zip)).length,
      inPools: offered.filter((l) => l.chain[0]?.firstToClaim && l.chain[0].agents.some((x) => x.id === a.id))
        .length,
    };
  });
  const total = rows.reduce((n, r) => n + r.offered, 0);
  const weights = rows.reduce((n, r) => n + (r.offered > 0 ? r.weight : 0), 0);
  return rows.map((r) => ({
    ...r,
    share: total > 0 ? r.offered / total : null,
    weightShare: r.offered > 0 ? r.weight / weights : null,
  }));
}

function rulesOf(config: DispatchConfig, leads: SimulatedLead[]): RuleSummary[] {
  const routed = leads.filter((l) => l.outcome.kind !== 'duplicate' && l.outcome.kind !== 'invalid');
  const names: Array<string | null> = config.rules.map((r) => r.name);
  if (routed.some((l) => l.rule === null)) names.push(null);
  return names.map((rule) => {
    const mine = routed.filter((l) => l.rule === rule);
    return {
      rule,
      leads: mine.length,
      offered: mine.filter((l) => l.outcome.kind === 'offer').length,
      held: mine.filter((l) => l.outcome.kind === 'held').length,
      exceptions: mine.filter((l) => l.outcome.kind === 'exception').length,
    };
  });
}

function totalsOf(leads: SimulatedLead[]): Totals {
  const count = (kind: SimulatedLead['outcome']['kind']) =>
    leads.filter((l) => l.outcome.kind === kind).length;
  return {
    leads: leads.length,
    offered: count('offer'),
    held: count('held'),
    exceptions: count('exception'),
    duplicates: count('duplicate'),
    invalid: count('invalid'),
  };
}

function notesFor(config: DispatchConfig): string[] {
  const notes = [
    'No away windows or Slack signals (Do Not Disturb, status, calendars) exist in a simulation: ' +
      'everyone is at work within their working hours, read in their timezone from the config, else the team’s.',
    'The first agent offered is assumed to claim (in a first-to-claim pool, the first listed): ' +
      'caps.per_day counts those claims, and that agent owns the contact for later rows.',
    'Held leads are routed again when their hold ends; the agent table counts who gets them then.',
    'In reasons, "#N" is row N of the leads file.',
  ];
  if (config.team.caps?.open !== undefined || config.agents.some((a) => a.caps?.open !== undefined))
    notes.push('caps.open cannot be simulated (nobody works the leads in a replay), so it is not applied.');
  return notes;
}
