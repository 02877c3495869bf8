import { isDeepStrictEqual } from 'node:util';
import type { DispatchConfig } from '../config/dispatch-schema.js';

/** What changed between the running dispatch.yml and a new one, at the level a leader reads. */
export interface ConfigChanges {
  /** Agent names (ids stand in for unnamed rows), in file order. */
  agentsAdded: string[];
  agentsRemoved: string[];
  agentsChanged: string[];
  rulesAdded: string[];
  rulesRemoved: string[];
  rulesChanged: string[];
  /** True when the order of rules changed: first match wins, so order is a rule change too. */
  rulesReordered: boolean;
  /** Other top-level sections that changed (team, sources, signals, webhooks, …). */
  sections: string[];
}

/** What the running process wired up when it started; some sections need it and cannot change live. */
export interface StartedWith {
  /** Follow Up Boss's webhook route and client exist only when dispatch.yml had the section at start. */
  followUpBoss: boolean;
  /** The reply channels whose provider (Twilio, SMTP) was connected at start. */
  replyChannels: ReadonlySet<string>;
}

const LISTS = new Set(['agents', 'rules']);

/** Pure: the changes from `before` to `after`. */
export function diffConfigs(before: DispatchConfig, after: DispatchConfig): ConfigChanges {
  const agents = diffById(
    before.agents,
    after.agents,
    (a) => a.id,
    (a) => a.name,
  );
  const rules = diffById(
    before.rules,
    after.rules,
    (r) => r.name,
    (r) => r.name,
  );
  // Only the rules in both files: an added or removed rule is reported as such, not as a reorder.
  const orderBefore = before.rules.map((r) => r.name).filter((n) => after.rules.some((r) => r.name === n));
  const orderAfter = after.rules.map((r) => r.name).filter((n) => orderBefore.includes(n));
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const sections = [...keys]
    .filter((k) => !LISTS.has(k))
    .filter((k) => !isDeepStrictEqual(before[k as keyof DispatchConfig], after[k as keyof DispatchConfig]))
    .sort();
  return {
    agentsAdded: agents.added,
    agentsRemoved: agents.removed,
    agentsChanged: agents.changed,
    rulesAdded: rules.added,
    rulesRemoved: rules.removed,
    rulesChanged: rules.changed,
    rulesReordered: !isDeepStrictEqual(orderBefore, orderAfter),
    sections,
  };
}

export function nothingChanged(changes: ConfigChanges): boolean {
  return (
    changes.agentsAdded.length +
      changes.agentsRemoved.length +
      changes.agentsChanged.length +
      changes.rulesAdded.length +
      changes.rulesRemoved.length +
      changes.rulesChanged.length +
      changes.sections.length ===
      0 && !changes.rulesReordered
  );
}

/**
 * Pure: the parts of `next` that the running process cannot take on without a restart, each as a
 * sentence. Everything else in dispatch.yml is read at the moment of use.
 */
export function needsRestart(started: StartedWith, next: DispatchConfig): string[] {
  const out: string[] = [];
  const fub = next.crm?.followupboss !== undefined;
  if (fub && !started.followUpBoss)
    out.push('crm.followupboss was added: Follow Up Boss is connected at start, so restart to connect it');
  if (!fub && started.followUpBoss)
    out.push(
      'crm.followupboss was removed: Follow Up Boss stays connected (as last configured) until a restart',
    );
  const channels = new Set(next.rules.flatMap((r) => r.reply?.by ?? []));
  for (const channel of [...channels].sort()) {
    if (!started.replyChannels.has(channel))
      out.push(
        `a rule now replies by ${channel}, whose provider is connected at start: restart to send those replies (until then they are parked; \`lead-dispatch outbox retry\` sends them after the restart)`,
      );
  }
  return out;
}

/** Pure: the one-line confirmation for the leaders' channel. */
export function reloadedLine(next: DispatchConfig, changes: ConfigChanges, restart: string[]): string {
  const parts: string[] = [];
  const list = (label: string, names: string[]) => {
    if (names.length > 0) parts.push(`${label} ${names.join(', ')}`);
  };
  list('agents added:', changes.agentsAdded);
  list('agents removed:', changes.agentsRemoved);
  list('agents changed:', changes.agentsChanged);
  list('rules added:', changes.rulesAdded);
  list('rules removed:', changes.rulesRemoved);
  list('rules changed:', changes.rulesChanged);
  if (changes.rulesReordered) parts.push('rules reordered');
  list('also changed:', changes.sections);
  const what = parts.length > 0 ? parts.join('; ') : 'no changes';
  const later = restart.length > 0 ? ` Needs a restart: ${restart.join('; ')}.` : '';
  return `dispatch.yml reloaded (${counts(next)}): ${what}. Leads already in flight keep their rule and chain.${later}`;
}

/** Pure: the message for the leaders' channel when a new file is kept out. */
export function refusedText(file: string, problems: string[]): string {
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? `\n…and ${problems.length - shown.length} more` : '';
  return `dispatch.yml was changed but not reloaded: ${file} has ${problems.length} problem${
    problems.length === 1 ? '' : 's'
  }, so the rules in force stay as they were. Fix the file (\`lead-dispatch check-config\` lists the same problems) and it is reloaded when saved.\n${shown
    .map((p) => `• ${p}`)
    .join('\n')}${more}`;
}

export function counts(config: DispatchConfig): string {
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `${n(config.agents.length, 'agent')}, ${n(config.rules.length, 'rule')}`;
}

function diffById<T>(
  before: readonly T[],
  after: readonly T[],
  key: (item: T) => string,
  label: (item: T) => string,
): { added: string[]; removed: string[]; changed: string[] } {
  const old = new Map(before.map((item) => [key(item), item]));
  const next = new Map(after.map((item) => [key(item), item]));
  const added = after.filter((item) => !old.has(key(item))).map(label);
  const removed = before.filter((item) => !next.has(key(item))).map(label);
  const changed = after
    .filter((item) => {
      const was = old.get(key(item));
      return was !== undefined && !isDeepStrictEqual(was, item);
    })
    .map(label);
  return { added, removed, changed };
}
