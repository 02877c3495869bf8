import type { DispatchConfig, RuleConfig } from '../config/dispatch-schema.js';

/**
 * On-duty covers (`/dispatch cover`): someone takes a rotation's after-hours turn until a time.
 * Pure: the shell reads the rows in force and passes them in with `now`.
 */

/** A cover in force: `agentId` is on duty for `rotation` until `until`. */
export interface ActiveCover {
  id: number;
  rotation: string;
  agentId: string;
  until: Date;
  setBy: string;
}

/** An on-duty rotation: the rules whose `on_duty` share its name, and the agents on its list. */
export interface Rotation {
  name: string;
  rules: string[];
  agents: string[];
}

/** A rule's rotation: its `on_duty.name`, else the rule's own name; none without `on_duty`. */
export function rotationOf(rule: Pick<RuleConfig, 'name' | 'on_duty'>): string | undefined {
  return rule.on_duty ? (rule.on_duty.name ?? rule.name) : undefined;
}

/** Every rotation in the config, in the order their first rule comes. */
export function rotationsOf(config: Pick<DispatchConfig, 'rules'>): Rotation[] {
  const byName = new Map<string, Rotation>();
  for (const rule of config.rules) {
    const name = rotationOf(rule);
    if (name === undefined || !rule.on_duty) continue;
    const rotation = byName.get(name) ?? { name, rules: [], agents: [] };
    rotation.rules.push(rule.name);
    for (const id of rule.on_duty.agents) if (!rotation.agents.includes(id)) rotation.agents.push(id);
    byName.set(name, rotation);
  }
  return [...byName.values()];
}

/** The cover of `rotation` in force at `now`, if any (the latest set wins). */
export function coverOf(
  covers: readonly ActiveCover[],
  rotation: string | undefined,
  now: Date,
): ActiveCover | undefined {
  if (rotation === undefined) return undefined;
  return covers
    .filter((c) => c.rotation === rotation && c.until.getTime() > now.getTime())
    .sort((a, b) => b.id - a.id)[0];
}

export type RotationChoice = { ok: true; rotation: Rotation } | { ok: false; message: string };

/**
 * Which rotation `/dispatch cover` means: the one named; else the only one there is; else the only
 * one the person is on. Anything else is ambiguous and asks the sender to name it.
 */
export function chooseRotation(
  config: Pick<DispatchConfig, 'rules'>,
  agentId: string,
  agentName: string,
  named: string | undefined,
): RotationChoice {
  const all = rotationsOf(config);
  const names = all.map((r) => `\`${r.name}\``).join(', ');
  if (all.length === 0)
    return {
      ok: false,
      message: 'No rule in dispatch.yml has an on-duty rotation (`on_duty`), so there is nothing to cover.',
    };
  if (named !== undefined) {
    const rotation = all.find((r) => r.name === named.toLowerCase());
    if (rotation) return { ok: true, rotation };
    return { ok: false, message: `There is no on-duty rotation called “${named}”. Rotations: ${names}.` };
  }
  const only = all.length === 1 ? all[0] : undefined;
  if (only) return { ok: true, rotation: only };
  const theirs = all.filter((r) => r.agents.includes(agentId));
  const [mine] = theirs;
  if (mine && theirs.length === 1) return { ok: true, rotation: mine };
  const among = theirs.length > 1 ? theirs : all;
  const example = among[0]?.name ?? 'evenings';
  const why =
    theirs.length > 1 ? `${agentName} is on ${theirs.length} rotations` : 'There are several rotations';
  return {
    ok: false,
    message: `${why}: say which, like \`/dispatch cover @${agentName.split(' ')[0]?.toLowerCase()} for ${example} until monday 8am\`. Rotations: ${among.map((r) => `\`${r.name}\``).join(', ')}.`,
  };
}
