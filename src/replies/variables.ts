import type { DispatchConfig } from '../config/dispatch-schema.js';
import { openingInWords, slaInWords, spokenFirstName } from '../core/reply-words.js';
import { type SlaSpec, slaSpecOf } from '../core/sla.js';
import { nextOpening } from '../core/weekly-hours.js';
import type { ReplyVariables } from './template.js';

/** A US number as a lead reads it: (512) 555-0100. */
function spoken(e164: string | undefined): string {
  const m = e164 ? /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164) : null;
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : (e164 ?? '');
}

/**
 * What each placeholder of a reply becomes, at the moment it is sent. Pure: the config, the
 * task's facts, the agent it names and `now`, in the lead's time zone.
 */
export function replyVariables(input: {
  config: DispatchConfig;
  rule: string;
  task: { firstName: string | null; status: string; heldUntil: Date | null; sla: SlaSpec | null };
  agent: { name: string; phone?: string | undefined } | undefined;
  now: Date;
  leadZone: string;
}): ReplyVariables {
  const { config, task, agent, now, leadZone } = input;
  const team = config.team;
  const rule = config.rules.find((r) => r.name === input.rule);
  const sla =
    task.sla ??
    (rule
      ? slaSpecOf(rule, team.default_sla)
      : { kind: 'duration', seconds: team.default_sla, clock: 'always' });
  // A held lead is answered when its agents start; any other, when the team next opens.
  // Held until a time still ahead: at opening itself the lead is no longer waiting for the night.
  const held = task.status === 'held' && task.heldUntil !== null && task.heldUntil > now;
  const opening =
    held && task.heldUntil ? task.heldUntil : nextOpening([team.business_hours], now, team.timezone);
  const teamPhone = config.replies?.team_phone;
  const firstName = spokenFirstName(task.firstName);
  return {
    first_name: firstName || 'there',
    agent_name: agent?.name ?? team.name,
    agent_first_name: agent?.name.split(/\s+/)[0] ?? team.name,
    agent_phone: spoken(agent?.phone ?? teamPhone),
    team_name: team.name,
    team_phone: spoken(teamPhone),
    sla: slaInWords(sla),
    opening: openingInWords(opening, now, leadZone),
    after_hours: held,
  };
}
