import type { DispatchConfig } from '../config/dispatch-schema.js';
import { normalizeSource } from './classify.js';
import { resolveSource, sourceKey } from './sources.js';

/**
 * Pauses (`/dispatch pause`): a rule routing skips, or a source whose new leads are held, until a
 * time. Pure: the shell reads the rows in force and passes them in.
 */

export type PauseKind = 'rule' | 'source';

/** A pause in force until `until`. */
export interface ActivePause {
  id: number;
  kind: PauseKind;
  name: string;
  until: Date;
  setBy: string;
}

/** The rules paused at `now`, by name, with when each pause ends. */
export function pausedRules(pauses: readonly ActivePause[], now: Date): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const p of pauses) if (p.kind === 'rule' && p.until > now) out.set(p.name, p.until);
  return out;
}

/** The pause holding a task from `source` at `now`, if any (the latest set wins). */
export function pauseOfSource(
  pauses: readonly ActivePause[],
  source: string,
  now: Date,
): ActivePause | undefined {
  return pauses
    .filter(
      (p) => p.kind === 'source' && p.until > now && normalizeSource(p.name) === normalizeSource(source),
    )
    .sort((a, b) => b.id - a.id)[0];
}

/** Names a pause may take: every rule, and every source dispatch.yml names (in `sources` or a rule). */
export function pauseTargets(config: DispatchConfig): Record<PauseKind, string[]> {
  const sources = new Map<string, string>();
  for (const name of Object.keys(config.source_settings)) sources.set(sourceKey(name), normalizeSource(name));
  for (const rule of config.rules)
    for (const s of rule.match.source ?? []) {
      if (!sources.has(sourceKey(s))) sources.set(sourceKey(s), normalizeSource(s));
    }
  return { rule: config.rules.map((r) => r.name), source: [...sources.values()] };
}

export type PauseTarget = { ok: true; name: string } | { ok: false; message: string };

/**
 * The rule or source a leader typed, as routing knows it: a source by its name or an alias (any
 * case or punctuation), a rule by its exact name. An unknown one lists the valid names.
 */
export function resolvePauseTarget(config: DispatchConfig, kind: PauseKind, typed: string): PauseTarget {
  const valid = pauseTargets(config)[kind];
  if (kind === 'rule') {
    const name = typed.toLowerCase();
    if (valid.includes(name)) return { ok: true, name };
  } else {
    const resolved = resolveSource(config, typed).name;
    const found = valid.find((v) => sourceKey(v) === sourceKey(resolved));
    if (found) return { ok: true, name: found };
  }
  const list = valid.map((v) => `\`${v}\``).join(', ');
  return {
    ok: false,
    message:
      valid.length === 0
        ? `dispatch.yml names no ${kind}s, so there is no ${kind} to pause.`
        : `There is no ${kind} called “${typed}”. ${kind === 'rule' ? 'Rules' : 'Sources'}: ${list}.`,
  };
}
