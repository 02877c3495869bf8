import { setImmediate } from 'node:timers';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Db } from '../db/connection.js';
import { pendingLeads } from './facts-store.js';
import type { Figures } from './measures.js';
import { readLiveLeads } from './read.js';
import { addTallies, append, countIn, emptyTally, figuresOfTally, tallyOf } from './tally.js';
import { readStoredRange } from './tally-store.js';

/** Lines of "who is waiting on what" a leader's Home lists; the rest are counted. */
export const WAITING_SHOWN = 15;

export interface WaitingItem {
  /** Who must act: an agent's name, or "Leaders". */
  who: string;
  /** The lead, as its number and type. */
  taskId: number;
  type: string;
  source: string;
  what: 'claim' | 'contact' | 'leader' | 'held';
  /** The claim deadline, the contact due time, when it was escalated, or when it is released. */
  at: Date;
}

/** The week's figures as last computed, kept by the App Home publisher between refreshes. */
export interface WeekCache {
  minute?: number;
  figures?: Figures;
  /** The figures being added up now, for that minute: a second leader's Home waits for them. */
  computing?: { minute: number; figures: Promise<Figures> };
}

/** How the week's figures are added up in parts, so no part holds the app's thread for long. */
export interface WeekParts {
  /** Between two parts: other work (leads, clicks) runs. */
  pause: () => Promise<void>;
  /** Leads reduced from their timelines in one part. */
  leadsPerPart: number;
  /** Events behind past which the indexer counts as far behind (pendingLeads' default if absent). */
  unindexedLimit?: number;
}

/**
 * About 3 ms a part here (up to 10 under load). Right after a backlog the indexer has not reduced
 * a thousand leads or more, and the week's figures reduced them in one go: 45–70 ms during which
 * no lead was routed. The App Home publisher pauses with the engine's backgroundTurn instead.
 */
export const WEEK_PARTS: WeekParts = {
  pause: () => new Promise((resolve) => setImmediate(resolve)),
  leadsPerPart: 50,
};
const DAY_MS = 86_400_000;

const NOBODY_YET: Record<WaitingItem['what'], string> = {
  claim: 'First to claim',
  contact: 'Owner',
  leader: 'Leaders',
  held: 'Opening',
};

/** What a team leader's App Home shows of the team: the week so far, and who is waiting on what. */
export interface TeamWeek {
  since: Date;
  figures: Figures;
  waiting: WaitingItem[];
  /** How many more are waiting than listed. */
  moreWaiting: number;
}

/**
 * The team's week (since Monday 00:00 in the team's zone) with the same measures as every report,
 * and the open items in the order they are due: offers waiting for a claim, claims waiting for
 * contact past their due time, escalations waiting for a leader, leads held for opening.
 */
export async function teamWeek(
  db: Db,
  config: DispatchConfig,
  now: Date,
  cache: WeekCache = {},
  parts: WeekParts = WEEK_PARTS,
): Promise<TeamWeek> {
  const since = DateTime.fromJSDate(now, { zone: config.team.timezone }).startOf('week').toJSDate();
  const minute = Math.floor(now.getTime() / 60_000);
  // A week of history is tens of milliseconds to add up: at most once a minute, however many
  // leaders have their Home open and however often the rows change. Who is waiting is always fresh.
  let figures = cache.minute === minute ? cache.figures : undefined;
  if (!figures) {
    if (cache.computing?.minute !== minute) {
      // Up to and including now: a lead stored this millisecond is part of the week.
      const computing = weekFigures(db, since, new Date(now.getTime() + 1), now, parts);
      cache.computing = { minute, figures: computing };
      const done = () => {
        if (cache.computing?.figures === computing) cache.computing = undefined;
      };
      computing.then(done, done);
    }
    figures = await cache.computing.figures;
    // An older minute's figures finishing late must not replace a newer minute's.
    if (cache.minute === undefined || minute >= cache.minute) {
      cache.minute = minute;
      cache.figures = figures;
    }
  }
  return { since, figures, ...whoIsWaiting(db, config, now) };
}

/** Who must act on what, soonest first: always read fresh. */
function whoIsWaiting(db: Db, config: DispatchConfig, now: Date): Pick<TeamWeek, 'waiting' | 'moreWaiting'> {
  const names = new Map(config.agents.map((a) => [a.id, a.name]));
  const rows = db.$client
    .prepare<
      [number, number],
      {
        who: string | null;
        taskId: number;
        type: string;
        source: string;
        what: WaitingItem['what'];
        at: number;
      }
    >(
      `select o.agent_id as who, t.id as taskId, t.type, t.source, 'claim' as what, o.deadline as at
         from offers o join tasks t on t.id = o.task_id where o.status = 'live'
       union all
       select t.owner_id, t.id, t.type, t.source, 'contact', t.contact_due_at from tasks t
        where t.status = 'claimed' and t.contacted_at is null and t.contact_due_at is not null
          and t.contact_due_at <= ?
       union all
       select null, t.id, t.type, t.source, 'leader', e.created_at
         from escalations e join tasks t on t.id = e.task_id where e.resolved_at is null
       union all
       select null, t.id, t.type, t.source, 'held', t.held_until from tasks t where t.status = 'held'
       order by at limit ?`,
    )
    .all(now.getTime(), WAITING_SHOWN + 1);
  const counted = db.$client
    .prepare<[number], { n: number }>(
      `select (select count(*) from offers where status = 'live')
            + (select count(*) from tasks where status = 'claimed' and contacted_at is null
                 and contact_due_at is not null and contact_due_at <= ?)
            + (select count(*) from escalations where resolved_at is null)
            + (select count(*) from tasks where status = 'held') as n`,
    )
    .get(now.getTime());
  const waiting = rows.slice(0, WAITING_SHOWN).map((r) => ({
    who: r.who === null ? NOBODY_YET[r.what] : (names.get(r.who) ?? r.who),
    taskId: r.taskId,
    type: r.type,
    source: r.source,
    what: r.what,
    at: new Date(r.at),
  }));
  return { waiting, moreWaiting: Math.max(0, (counted?.n ?? 0) - waiting.length) };
}

/**
 * The week's headline figures, added up 24 hours at a time and the leads to reduce on the spot a
 * slice at a time (see readStoredRange), with a pause between parts. Tallies of disjoint sets of
 * leads add up, so the parts give the figures one sum over the week would.
 */
async function weekFigures(db: Db, since: Date, until: Date, now: Date, parts: WeekParts): Promise<Figures> {
  // Read once, in a transaction so the cursor and the rows agree; the parts use it as it was.
  const stale = db.$client.transaction(() => pendingLeads(db.$client, parts.unindexedLimit))();
  let tally = emptyTally();
  const repeats: number[] = [];
  for (let from = since.getTime(); from < until.getTime(); from += DAY_MS) {
    const day = {
      key: 'day',
      since: new Date(from),
      until: new Date(Math.min(from + DAY_MS, until.getTime())),
    };
    const stored = readStoredRange(db.$client, day, stale, now);
    tally = addTallies(tally, stored.tally);
    append(repeats, stored.repeatTimes);
    for (let i = 0; i < stored.liveIds.length; i += parts.leadsPerPart) {
      await parts.pause();
      const live = readLiveLeads(db.$client, stored.liveIds.slice(i, i + parts.leadsPerPart));
      tally = addTallies(tally, tallyOf(live, now));
      for (const lead of live) append(repeats, lead.duplicateTimes);
    }
    await parts.pause();
  }
  return figuresOfTally(tally, countIn(repeats, since, until));
}
