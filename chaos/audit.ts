/**
 * After a scenario: waits until the app has nothing left to do, then counts, per accepted lead,
 * what the team and the lead would have noticed, from the database and from what the doubles hold.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { LEADERS } from '../test/support/harness.js';
import { markOf, type SentLead } from './traffic.js';
import type { World } from './world.js';

export interface Outcome {
  sent: number;
  accepted: number;
  /** Accepted, but not offered or escalated, or offered without a DM, or a text, email or FUB note missing. */
  lost: number;
  /** Leads with a second DM for one offer, a second text or email, or a second FUB note. */
  doubled: number;
  /** Accepted → first DM (or escalation post), the longest, in seconds. */
  longestDelayS: number | undefined;
  /** DMs an agent got after a DM for a later lead (per agent, by task id). */
  outOfOrder: number;
  /** Outbox items parked as dead (retries exhausted): shown to leaders, counted as lost above. */
  dead: number;
  quiescent: boolean;
  /** What the run made happen, to show every path was exercised: DMs, texts, emails, FUB notes. */
  made: string;
  problems: string[];
}

interface DbView {
  taskOfPerson: Map<number, number>;
  offersOfTask: Map<number, number[]>;
  taskOfOffer: Map<number, number>;
  offeredAt: Map<number, number>;
  /** When each offer was made, and when the app began posting its DM (dm_posted_at), by offer id. */
  offerMadeAt: Map<number, number>;
  dmStartedAt: Map<number, number>;
  escalationsOfTask: Map<number, number[]>;
  taskOfEscalation: Map<number, number>;
  claimed: Set<number>;
  dead: number;
}

/** Whether the app has finished: every task routed, every message rendered, every offer claimed, the outbox empty. */
function behind(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `select (select count(*) from tasks where status = 'received')
              + (select count(*) from offers where rendered_version < version or status = 'live')
              + (select count(*) from escalations where rendered_version < version)
              + (select count(*) from outbox where status = 'pending') as n`,
      )
      .pluck()
      .get() as number;
  } finally {
    db.close();
  }
}

/**
 * Waits until every accepted FUB person has a task and nothing is behind, twice 2 s apart (a late
 * duplicate has time to show); false after `timeoutMs`.
 */
export async function waitQuiescent(world: World, leads: SentLead[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  while (Date.now() < deadline) {
    const view = readDb(world.dbPath);
    const fubWaiting = leads.some(
      (l) => l.acceptedAt !== undefined && l.personId !== undefined && !view.taskOfPerson.has(l.personId),
    );
    calm = !fubWaiting && behind(world.dbPath) === 0 ? calm + 1 : 0;
    if (calm >= 2) return true;
    await sleep(calm > 0 ? 2000 : 250);
  }
  return false;
}

function readDb(dbPath: string): DbView {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const view: DbView = {
      taskOfPerson: new Map(),
      offersOfTask: new Map(),
      taskOfOffer: new Map(),
      offeredAt: new Map(),
      offerMadeAt: new Map(),
      dmStartedAt: new Map(),
      escalationsOfTask: new Map(),
      taskOfEscalation: new Map(),
      claimed: new Set(),
      dead: 0,
    };
    const tasks = db.prepare('select id, status, crm_person as person from tasks').all() as Array<{
      id: number;
      status: string;
      person: string | null;
    }>;
    for (const t of tasks) {
      const person = /^fub:(\d+)$/.exec(t.person ?? '')?.[1];
      if (person) view.taskOfPerson.set(Number(person), t.id);
      if (t.status === 'claimed') view.claimed.add(t.id);
    }
    const push = (map: Map<number, number[]>, key: number, value: number) =>
      map.set(key, [...(map.get(key) ?? []), value]);
    for (const o of db
      .prepare('select id, task_id as task, offered_at as at, dm_posted_at as dmAt from offers')
      .all() as Array<{
      id: number;
      task: number;
      at: number;
      dmAt: number | null;
    }>) {
      push(view.offersOfTask, o.task, o.id);
      view.taskOfOffer.set(o.id, o.task);
      view.offeredAt.set(o.task, o.at);
      view.offerMadeAt.set(o.id, o.at);
      if (o.dmAt !== null) view.dmStartedAt.set(o.id, o.dmAt);
    }
    for (const e of db.prepare('select id, task_id as task from escalations').all() as Array<{
      id: number;
      task: number;
    }>) {
      push(view.escalationsOfTask, e.task, e.id);
      view.taskOfEscalation.set(e.id, e.task);
    }
    view.dead = db.prepare("select count(*) from outbox where status = 'dead'").pluck().get() as number;
    return view;
  } finally {
    db.close();
  }
}

export function audit(world: World, leads: SentLead[], quiescent: boolean): Outcome {
  const view = readDb(world.dbPath);
  const problems: string[] = [];
  // What the doubles hold: Slack posts by the row they name, texts by number, mail and notes by person.
  const postsOf = new Map<string, Array<{ at: number; channel: string }>>();
  for (const m of world.slack.messages) {
    const mark = markOf(m);
    if (!mark || (mark.kind === 'offer' && !m.channel.startsWith('D'))) continue;
    if (mark.kind === 'escalation' && m.channel !== LEADERS) continue;
    const key = `${mark.kind}:${mark.id}`;
    postsOf.set(key, [...(postsOf.get(key) ?? []), { at: m.postedAt, channel: m.channel }]);
  }
  const count = <T>(items: T[], keyOf: (item: T) => string | number) => {
    const counts = new Map<string | number, number>();
    for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
    return counts;
  };
  const texts = count(world.twilio.messages, (m) => m.to);
  // An email resent after a lost answer keeps its Message-ID, and mail clients show it once.
  const mails = count(
    [...new Set(world.smtp.messages.flatMap((m) => m.to.map((to) => `${to.toLowerCase()} ${m.messageId}`)))],
    (key) => key.split(' ')[0] ?? '',
  );
  const notes = count(world.fub.notes, (n) => n.personId);

  let lost = 0;
  let doubled = 0;
  let longest: number | undefined;
  const accepted = leads.filter((l) => l.acceptedAt !== undefined);
  for (const lead of accepted) {
    const taskId = lead.personId === undefined ? lead.taskId : view.taskOfPerson.get(lead.personId);
    const missing: string[] = [];
    const twice: string[] = [];
    const posts =
      taskId === undefined
        ? []
        : [
            ...(view.offersOfTask.get(taskId) ?? []).map((id) => postsOf.get(`offer:${id}`) ?? []),
            ...(view.escalationsOfTask.get(taskId) ?? []).map((id) => postsOf.get(`escalation:${id}`) ?? []),
          ];
    if (taskId === undefined) missing.push('task');
    else if (posts.length === 0) missing.push('offer or escalation');
    else if (posts.some((p) => p.length === 0)) missing.push('DM');
    if (posts.some((p) => p.length > 1)) twice.push('DM');
    const first = Math.min(...posts.flat().map((p) => p.at));
    if (Number.isFinite(first) && lead.acceptedAt !== undefined)
      longest = Math.max(longest ?? 0, (first - lead.acceptedAt) / 1000);
    // Replies and write-backs follow a claim (web leads are texted and emailed on arrival).
    const claimed = taskId !== undefined && view.claimed.has(taskId);
    if (taskId !== undefined && !claimed) missing.push('claim');
    const expectText = lead.kind === 'web' || claimed;
    const nText = texts.get(lead.phone) ?? 0;
    if (expectText && nText === 0) missing.push('text');
    if (nText > 1) twice.push(`${nText} texts`);
    const nMail = mails.get(lead.email) ?? 0;
    if (lead.kind === 'web' && nMail === 0) missing.push('email');
    if (nMail > 1) twice.push(`${nMail} emails`);
    if (lead.personId !== undefined) {
      const nNote = notes.get(lead.personId) ?? 0;
      if (claimed && nNote === 0) missing.push('FUB note');
      if (nNote > 1) twice.push(`${nNote} FUB notes`);
    }
    const name = `${lead.kind} lead${taskId === undefined ? '' : ` (task ${taskId})`}`;
    if (missing.length > 0) {
      lost += 1;
      if (problems.length < 12) problems.push(`${name}: no ${missing.join(', no ')}`);
    }
    if (twice.length > 0) {
      doubled += 1;
      if (problems.length < 12) problems.push(`${name}: ${twice.join(', ')}`);
    }
  }
  return {
    sent: leads.length,
    accepted: accepted.length,
    lost,
    doubled,
    longestDelayS: longest,
    outOfOrder: outOfOrder(world, view, problems),
    dead: view.dead,
    quiescent,
    made: `${[...postsOf.keys()].filter((k) => k.startsWith('offer:')).length} offer DMs, ${view.claimed.size} claims, ${world.twilio.messages.length} texts, ${world.smtp.messages.length} emails, ${world.fub.notes.length} FUB notes`,
    problems,
  };
}

/**
 * Posts go out oldest task first: in each agent's DM conversation, a DM for an earlier task must
 * not come after one for a later task, if the earlier task's offer was already there when the later
 * DM went out (a lead routed later, after its FUB person was fetched or a restart, cannot be
 * overtaken: it was not yet due). Counts the DMs that were overtaken.
 */
function outOfOrder(world: World, view: DbView, problems: string[]): number {
  const highest = new Map<string, { task: number; postedAt: number }>();
  const offered = (task: number) => new Date(view.offeredAt.get(task) ?? 0).toISOString().slice(11, 23);
  let late = 0;
  for (const m of world.slack.messages) {
    const mark = markOf(m);
    if (mark?.kind !== 'offer' || !m.channel.startsWith('D')) continue;
    const task = view.taskOfOffer.get(mark.id);
    if (task === undefined) continue;
    const before = highest.get(m.channel);
    if (!before || task > before.task) {
      // When the app began the post (the double stores it a network hop later).
      highest.set(m.channel, { task, postedAt: view.dmStartedAt.get(mark.id) ?? m.postedAt });
      continue;
    }
    if ((view.offerMadeAt.get(mark.id) ?? Number.POSITIVE_INFINITY) < before.postedAt) {
      late += 1;
      problems.push(
        `DM for task ${task} (offered ${offered(task)}) came after task ${before.task}'s (offered ${offered(before.task)}), begun after it was offered`,
      );
    }
  }
  return late;
}
