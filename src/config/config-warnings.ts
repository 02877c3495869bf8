import { normalizeSource } from '../core/classify.js';
import { sourceKey } from '../core/sources.js';
import type { AgentConfig, DispatchConfig, Role, RuleConfig, WeeklyHours } from './dispatch-schema.js';
import { pondWarnings } from './pond-warnings.js';
import {
  type EnvLookup,
  replySecretWarnings,
  replyWarnings,
  sourceSecretWarnings,
  webhookSecretWarnings,
} from './source-warnings.js';

export interface ConfigWarning {
  path: (string | number)[];
  message: string;
}

/** The 1-based line a config path starts on, when the caller has the file; messages then cite it. */
export type LineOf = (path: (string | number)[]) => number | undefined;

type Match = RuleConfig['match'];
type Pool = { roles?: Role[] | undefined; agents?: string[] | undefined };

/**
 * Mistakes that leave dispatch.yml valid but are surely not what was meant: rules that never run,
 * pools nobody can take, agents and roles no rule routes to, backup chains that loop. Pure, so
 * check-config and tests see the same list.
 */
export function configWarnings(
  config: DispatchConfig,
  lineOf: LineOf = () => undefined,
  /** The environment the app will run with; without it, source secrets are not checked. */
  env?: EnvLookup,
): ConfigWarning[] {
  const active = config.agents.filter((a) => a.active);
  return [
    ...shadowedRules(config.rules, lineOf),
    ...emptyPools(config.rules, active),
    ...unreachableAgents(config),
    ...unheldRoles(config.rules, active),
    ...loopingBackups(config.rules),
    ...unmappedSources(config),
    ...agentsFubCannotFind(config, active),
    ...(env ? sourceSecretWarnings(config, env) : []),
    ...(env ? webhookSecretWarnings(config, env) : []),
    ...(env ? replySecretWarnings(config, env) : []),
    ...replyWarnings(config),
    ...pondWarnings(config),
  ];
}

/**
 * Follow Up Boss finds the claimer's FUB user by email: an agent without one claims fine in Slack,
 * but every assign or task written back for them fails, and the leaders hear of it only then.
 */
function agentsFubCannotFind(config: DispatchConfig, active: AgentConfig[]): ConfigWarning[] {
  const fub = config.crm?.followupboss;
  if (!fub || !(fub.assign_on_claim || fub.task_on_claim)) return [];
  const writes = [fub.assign_on_claim ? 'assign_on_claim' : '', fub.task_on_claim ? 'task_on_claim' : '']
    .filter(Boolean)
    .join(' and ');
  return active
    .filter((agent) => agent.email === undefined)
    .map((agent) => ({
      path: ['agents', config.agents.indexOf(agent)],
      message: `agent ${agent.name} has no email:, so Follow Up Boss cannot be told when they claim (crm.followupboss ${writes}); add the email they sign in to Follow Up Boss with`,
    }));
}

/**
 * A rule's `source` that the sources map never names is usually a typo ("zilow"): its leads then
 * fall to a later rule with a softer SLA. Leads sent with an explicit type are the exception.
 */
function unmappedSources(config: DispatchConfig): ConfigWarning[] {
  const known = new Set(
    Object.entries(config.source_settings).flatMap(([name, s]) => [name, ...s.aliases].map(sourceKey)),
  );
  return config.rules.flatMap((rule, i) =>
    (rule.match.source ?? []).flatMap((source, j) =>
      known.has(sourceKey(source))
        ? []
        : [
            {
              path: ['rules', i, 'match', 'source', j],
              message: `source "${source}" is not in sources:, so only leads sent with an explicit type can match rule ${rule.name}; check the spelling`,
            },
          ],
    ),
  );
}

/** First match wins, so a rule is dead when an earlier one matches every task it would. */
function shadowedRules(rules: RuleConfig[], lineOf: LineOf): ConfigWarning[] {
  return rules.flatMap((later, j) => {
    const i = rules.slice(0, j).findIndex((earlier) => covers(earlier.match, later.match));
    const earlier = rules[i];
    if (!earlier) return [];
    const line = lineOf(['rules', i]);
    const name = `rule ${earlier.name}${line === undefined ? '' : ` (line ${line})`}`;
    const message = Object.values(earlier.match).every((v) => v === undefined)
      ? `${name} matches every task, so rule ${later.name} after it never runs`
      : `rule ${later.name} can never match: ${name} comes first and matches every task it would`;
    return [{ path: ['rules', j], message }];
  });
}

/** Whether every task `b` matches is matched by `a`, criterion by criterion (mirrors core/match.ts). */
function covers(a: Match, b: Match): boolean {
  const same = (s: string) => s;
  const lower = (s: string) => s.toLowerCase();
  return (
    listCovers(a.type, b.type, same) &&
    listCovers(a.source, b.source, normalizeSource) &&
    listCovers(a.zip, b.zip, same) &&
    listCovers(a.city, b.city, lower) &&
    listCovers(a.language, b.language, same) &&
    // Tags are any-of: a task with one of b's tags has one of a's when a's list holds all of b's.
    listCovers(a.tags, b.tags, lower) &&
    priceCovers(a.price, b.price) &&
    (a.when === undefined || (b.when !== undefined && sameHours(a.when, b.when)))
  );
}

/** A criterion `a` lacks lets everything through; one only `a` has filters tasks `b` would take. */
function listCovers(a: string[] | undefined, b: string[] | undefined, key: (s: string) => string): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  const mine = new Set(a.map(key));
  return b.every((v) => mine.has(key(v)));
}

/** Any price band rejects a task without a price, so `b` needs one too, inside `a`'s. */
function priceCovers(a: Match['price'], b: Match['price']): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  const low = a.min === undefined || (b.min !== undefined && b.min >= a.min);
  const high = a.max === undefined || (b.max !== undefined && b.max <= a.max);
  return low && high;
}

/** Overlapping windows are hard to compare exactly; only identical lists count as covering. */
function sameHours(a: WeeklyHours[], b: WeeklyHours[]): boolean {
  return (
    a.length === b.length &&
    a.every((h, i) => {
      const o = b[i];
      return o !== undefined && h.start === o.start && h.end === o.end && h.days.join() === o.days.join();
    })
  );
}

function inPool(agent: AgentConfig, pool: Pool): boolean {
  return Boolean(pool.agents?.includes(agent.id) || agent.roles.some((r) => pool.roles?.includes(r)));
}

/** Places a rule hands tasks to that hold nobody active: every task there skips straight past them. */
function emptyPools(rules: RuleConfig[], active: AgentConfig[]): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const check = (pool: Pool, path: (string | number)[], message: string) => {
    if (!active.some((a) => inPool(a, pool))) out.push({ path, message });
  };
  rules.forEach((r, i) => {
    const a = r.assign;
    const at = ['rules', i];
    if (a.strategy === 'round_robin' || a.strategy === 'broadcast')
      check(
        a.pool,
        [...at, 'assign', 'pool'],
        `rule ${r.name}: no agent in its ${a.strategy} pool is active`,
      );
    if (a.strategy === 'role')
      check(
        { roles: [a.role] },
        [...at, 'assign', 'role'],
        `rule ${r.name}: no active agent holds role ${a.role}`,
      );
    r.fallback.forEach((step, j) => {
      if ('role' in step)
        check(
          { roles: [step.role] },
          [...at, 'fallback', j, 'role'],
          `rule ${r.name}: no active agent holds backup role ${step.role}`,
        );
    });
    if (r.on_duty)
      check(
        { agents: r.on_duty.agents },
        [...at, 'on_duty', 'agents'],
        `rule ${r.name}: nobody on duty is active`,
      );
  });
  return out;
}

/** An active agent no rule names, by id or role, never gets a task (original_agent aside). */
function unreachableAgents(config: DispatchConfig): ConfigWarning[] {
  const ids = new Set<string>();
  const roles = new Set<Role>();
  for (const r of config.rules) {
    const a = r.assign;
    if (a.strategy === 'round_robin' || a.strategy === 'broadcast') {
      for (const id of a.pool.agents ?? []) ids.add(id);
      for (const role of a.pool.roles ?? []) roles.add(role);
    }
    if (a.strategy === 'role') roles.add(a.role);
    if (a.strategy === 'agent') ids.add(a.agent);
    for (const id of r.on_duty?.agents ?? []) ids.add(id);
    for (const target of [...r.fallback, ...r.notify]) {
      if ('role' in target) roles.add(target.role);
      if ('agent' in target) ids.add(target.agent);
    }
  }
  return config.agents.flatMap((agent, i) =>
    agent.active && !ids.has(agent.id) && !agent.roles.some((role) => roles.has(role))
      ? [
          {
            path: ['agents', i, 'id'],
            message: `${agent.name} (${agent.id}) is active but in no rule's pool, role, backup, on-duty or notify list`,
          },
        ]
      : [],
  );
}

/**
 * Roles named where nobody active holds them. A role strategy or backup role is its own pool and
 * is already reported by emptyPools, so only pool roles (when others in the pool are active) and
 * notify roles are checked here, to say each thing once.
 */
function unheldRoles(rules: RuleConfig[], active: AgentConfig[]): ConfigWarning[] {
  const held = (role: Role) => active.some((a) => a.roles.includes(role));
  const out: ConfigWarning[] = [];
  rules.forEach((r, i) => {
    const a = r.assign;
    if (
      (a.strategy === 'round_robin' || a.strategy === 'broadcast') &&
      active.some((ag) => inPool(ag, a.pool))
    ) {
      a.pool.roles?.forEach((role, k) => {
        if (!held(role))
          out.push({
            path: ['rules', i, 'assign', 'pool', 'roles', k],
            message: `rule ${r.name}: no active agent holds role ${role}`,
          });
      });
    }
    r.notify.forEach((target, j) => {
      if ('role' in target && !held(target.role))
        out.push({
          path: ['rules', i, 'notify', j, 'role'],
          message: `rule ${r.name}: no active agent holds role ${target.role}, so nobody gets this notice`,
        });
    });
  });
  return out;
}

/**
 * `{ rule: name }` backups that lead back to a rule already on the path. Routing skips the repeat,
 * so this is harmless at run time but rarely meant. Each loop is reported once, at its earliest
 * rule: a search from rule `start` only walks to rules after it.
 */
function loopingBackups(rules: RuleConfig[]): ConfigWarning[] {
  const indexOf = new Map(rules.map((r, i) => [r.name, i]));
  const out = new Map<string, ConfigWarning>();
  rules.forEach((_, start) => {
    const walk = (at: number, path: number[], firstStep: number | undefined): void => {
      rules[at]?.fallback.forEach((step, j) => {
        if (!('rule' in step)) return;
        const next = indexOf.get(step.rule);
        if (next === undefined || next < start) return;
        const stepOfStart = firstStep ?? j;
        if (next === start) {
          const names = [...path, start].map((k) => rules[k]?.name).join(' → ');
          const warning: ConfigWarning = {
            path: ['rules', start, 'fallback', stepOfStart],
            message: `the backup chain ${names} loops back; the repeat is skipped at run time`,
          };
          out.set(`${stepOfStart}|${warning.message}`, warning);
        } else if (!path.includes(next)) walk(next, [...path, next], stepOfStart);
      });
    };
    walk(start, [start], undefined);
  });
  return [...out.values()];
}
