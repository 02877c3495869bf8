import { rulePoolOf } from '../core/pond.js';
import type { ConfigWarning } from './config-warnings.js';
import type { DispatchConfig } from './dispatch-schema.js';

/**
 * A `pond:` or an idle-lead `contact_sla` that does less than it seems: a pond no lead can reach,
 * one nobody may claim from, one that is the leaders' own channel, reminders that never come
 * before the leaders are told. Pure, like the other warnings.
 */
export function pondWarnings(config: DispatchConfig): ConfigWarning[] {
  return config.rules.flatMap((rule, i): ConfigWarning[] => {
    const out: ConfigWarning[] = [];
    const pond = rule.pond;
    if (pond) {
      const path = ['rules', i, 'pond'];
      if (rule.assign.strategy === 'escalate')
        out.push({
          path,
          message: `rule ${rule.name} sends every task to the leaders (strategy: escalate), so its pond is never used`,
        });
      else if (rulePoolOf(rule, config.agents).length === 0)
        out.push({
          path,
          message: `rule ${rule.name} has no pool (strategy: ${rule.assign.strategy}), so only the agents its chain offered a lead to can claim it from the pond`,
        });
      if (pond.channel === config.team.leaders_channel)
        out.push({
          path: [...path, 'channel'],
          message:
            "the pond is the leaders' channel: agents would need to be in it to claim, and escalations would share it; use a channel of its own",
        });
      if (pond.remind_every >= pond.escalate_after)
        out.push({
          path: [...path, 'remind_every'],
          message:
            'remind_every is not shorter than escalate_after, so no reminder comes before the leaders are told',
        });
    }
    const contact = rule.contact_sla;
    if (typeof contact === 'object' && contact.onLapse === 'next' && rule.fallback.length === 0) {
      const strategy = rule.assign.strategy;
      if (strategy === 'agent' || strategy === 'original_agent' || strategy === 'broadcast')
        out.push({
          path: ['rules', i, 'contact_sla'],
          message: `rule ${rule.name} has no fallback, so then: next has nobody to move an idle lead to: it goes ${rule.pond ? 'into the pond' : 'to the leaders'} as before`,
        });
    }
    return out;
  });
}
