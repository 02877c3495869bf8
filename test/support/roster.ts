import type { AgentConfig, DispatchConfig } from '../../src/config/dispatch-schema.js';
import type { RoutableTask } from '../../src/core/match.js';
import type { RosterAgent } from '../../src/core/route.js';

/** Who cannot take a lead right now, the way the shell would see it. */
export interface Standing {
  /** Active but not available (/away, busy, …). */
  away?: readonly string[] | undefined;
  /** At their `open` cap: not available, with the cap as the reason. */
  capped?: readonly string[] | undefined;
  /** Marked `active: false`. */
  inactive?: readonly string[] | undefined;
  /** Dropped from dispatch.yml: not in the roster at all. */
  gone?: readonly string[] | undefined;
}

/** The words the shell puts in `capped` for an agent at their open cap ("6 open, the cap is 6"). */
export function capText(config: DispatchConfig, agent: AgentConfig): string {
  const cap = agent.caps?.open ?? config.team.caps?.open ?? 1;
  return `${cap} open, the cap is ${cap}`;
}

/**
 * The configured agents as `route()` sees them, built like src/dispatch/roster.ts does (skills,
 * price band or null, caps make an agent unavailable); everyone active is available unless `standing`
 * says otherwise, and nobody is off hours.
 */
export function rosterFromConfig(config: DispatchConfig, standing: Standing = {}): RosterAgent[] {
  const has = (list: readonly string[] | undefined, id: string) => list?.includes(id) === true;
  return config.agents
    .filter((a) => !has(standing.gone, a.id))
    .map((a) => {
      const active = a.active && !has(standing.inactive, a.id);
      const capped = has(standing.capped, a.id) ? capText(config, a) : undefined;
      return {
        id: a.id,
        name: a.name,
        email: a.email ?? null,
        roles: [...a.roles],
        zips: [...a.zips],
        cities: [...a.cities],
        languages: [...a.languages],
        price: a.price ? { min: a.price.min, max: a.price.max } : null,
        weight: a.weight,
        active,
        available: active && !has(standing.away, a.id) && capped === undefined,
        capped,
      };
    });
}

/** A task with nothing the skills could match on; tests fill in what they need. */
export function routableTask(overrides: Partial<RoutableTask> = {}): RoutableTask {
  return {
    type: 'buyer_lead',
    source: 'zillow',
    zip: null,
    city: null,
    language: null,
    price: null,
    tags: [],
    referringAgent: null,
    ...overrides,
  };
}

/**
 * Whether an agent fits a lead on one skill, written out from the documented rules so tests do
 * not check route() against its own helper: undefined when the lead does not say; no price band
 * takes any price; no languages listed means English.
 */
export function skillFit(
  agent: Pick<RosterAgent, 'zips' | 'cities' | 'languages' | 'price'>,
  task: RoutableTask,
  skill: 'zip' | 'city' | 'price' | 'language',
): boolean | undefined {
  if (skill === 'zip') return task.zip === null ? undefined : agent.zips.includes(task.zip);
  if (skill === 'city') {
    const city = task.city?.trim().toLowerCase();
    if (!city) return undefined;
    return (agent.cities ?? []).map((c) => c.trim().toLowerCase()).includes(city);
  }
  if (skill === 'price') {
    if (task.price === null) return undefined;
    const min = agent.price?.min ?? Number.NEGATIVE_INFINITY;
    const max = agent.price?.max ?? Number.POSITIVE_INFINITY;
    return task.price >= min && task.price <= max;
  }
  if (!task.language) return undefined;
  const spoken = agent.languages && agent.languages.length > 0 ? agent.languages : ['english'];
  return spoken.includes(task.language);
}
