import type Database from 'better-sqlite3';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { LeadRow, ReplayResult, SimulatedLead } from './result.js';

/** One lead from the database: what the rules did with it then. */
export interface HistoricLead {
  taskId: number;
  receivedAt: Date;
  rule: string | null;
  /**
   * The rules' own first decision on arrival: offer it, hold it for opening, or hand it to the
   * leaders. What a replay decides is compared with this, like with like.
   */
  decision: 'offer' | 'held' | 'exception';
  /**
   * Who the rules' first offer went to (an agent, or every member of a first-to-claim pool): after
   * a hold, at release; never a leader's Assign to… on an escalated lead.
   */
  firstOffer: string[];
  /** Who claimed it in the end; null when nobody did (escalated and open, held, merged). */
  owner: string | null;
  body: Record<string, unknown>;
}

/**
 * The leads stored in [since, until), oldest first, as intake received them (the stored payload,
 * with the source and external id the task has, and its arrival time), and what happened to each.
 * Repeats merged into an earlier lead are left out: the replay finds repeats itself.
 */
export function readHistory(db: Database.Database, since: Date, until: Date): HistoricLead[] {
  const rows = db
    .prepare<
      [number, number],
      {
        id: number;
        source: string;
        externalId: string;
        payload: string;
        createdAt: number;
        rule: string | null;
        owner: string | null;
        agent: string | null;
        pool: string | null;
        decision: string | null;
      }
    >(
      // The first decision is the task's first held, offered or escalated event; the rules' first
      // offer is the first offered before any escalation (after it, offers are leaders').
      `select t.id, t.source, t.external_id as externalId, t.payload, t.created_at as createdAt,
              t.rule_name as rule, t.owner_id as owner, o.agent_id as agent, o.pool,
              (select d.kind from events d where d.task_id = t.id
                  and d.kind in ('held', 'offered', 'escalated') order by d.id limit 1) as decision
         from tasks t indexed by tasks_report
         left join offers o on o.id = (
           select f.offer_id from events f where f.task_id = t.id and f.kind = 'offered'
              and f.id < coalesce((select min(x.id) from events x
                                    where x.task_id = t.id and x.kind = 'escalated'), 9e18)
            order by f.id limit 1)
        where t.created_at >= ? and t.created_at < ? and t.status != 'merged'
        order by t.created_at, t.id`,
    )
    .all(since.getTime(), until.getTime());
  return rows.map((r) => {
    const pool = r.pool ? (JSON.parse(r.pool) as string[]) : [];
    const payload = JSON.parse(r.payload) as Record<string, unknown>;
    return {
      taskId: r.id,
      receivedAt: new Date(r.createdAt),
      rule: r.rule,
      decision: r.decision === 'held' ? 'held' : r.decision === 'escalated' ? 'exception' : 'offer',
      firstOffer: r.agent && pool.length === 0 ? [r.agent] : pool,
      owner: r.owner,
      body: {
        ...payload,
        source: r.source,
        externalId: r.externalId,
        receivedAt: new Date(r.createdAt).toISOString(),
      },
    };
  });
}

/** Rows for the replay, numbered by task id so the reader finds each lead in Slack and the timeline. */
export function historyRows(history: readonly HistoricLead[]): LeadRow[] {
  return history.map((h) => ({ row: h.taskId, body: h.body }));
}

export interface WhatIfLead {
  taskId: number;
  receivedAt: string;
  did: {
    rule: string | null;
    decision: HistoricLead['decision'];
    firstOffer: string[];
    owner: string | null;
  };
  would: { rule: string | null; firstOffer: string[]; outcome: SimulatedLead['outcome']['kind'] };
  /**
   * The rules would now decide otherwise on arrival: offer it first to someone else, or hold or
   * escalate it where they offered it (or the other way round). A lead held then and now is the
   * same decision: when the replay releases it follows the config's hours, not the sweeper's run.
   */
  changed: boolean;
}

export interface WhatIf {
  leads: WhatIfLead[];
  changed: number;
  /** First offers per agent: what the rules made, and what they would make now. */
  agents: Array<{ id: string; name: string; did: number; would: number }>;
}

/** Lines up the replay with what happened, lead by lead. Pure. */
export function compareWithHistory(
  config: DispatchConfig,
  history: readonly HistoricLead[],
  replayed: ReplayResult,
): WhatIf {
  const names = new Map(config.agents.map((a) => [a.id, a.name]));
  const byRow = new Map(replayed.leads.map((l) => [l.row, l]));
  const counts = new Map<string, { did: number; would: number }>();
  const count = (id: string, key: 'did' | 'would') => {
    const c = counts.get(id) ?? { did: 0, would: 0 };
    c[key] += 1;
    counts.set(id, c);
  };
  const leads = history.map((h) => {
    const sim = byRow.get(h.taskId);
    const first = sim?.chain[0];
    const would = first ? first.agents.map((a) => a.id) : [];
    for (const id of h.firstOffer) count(id, 'did');
    for (const id of would) count(id, 'would');
    const outcome = sim?.outcome.kind ?? 'invalid';
    const same =
      h.decision === 'offer'
        ? outcome === 'offer' &&
          would.length === h.firstOffer.length &&
          would.every((id, i) => h.firstOffer[i] === id)
        : outcome === h.decision;
    return {
      taskId: h.taskId,
      receivedAt: h.receivedAt.toISOString(),
      did: { rule: h.rule, decision: h.decision, firstOffer: h.firstOffer, owner: h.owner },
      would: { rule: sim?.rule ?? null, firstOffer: would, outcome: sim?.outcome.kind ?? 'invalid' },
      changed: !same,
    } satisfies WhatIfLead;
  });
  return {
    leads,
    changed: leads.filter((l) => l.changed).length,
    agents: [...counts]
      .map(([id, c]) => ({ id, name: names.get(id) ?? id, ...c }))
      .sort((a, b) => b.did + b.would - (a.did + a.would) || a.name.localeCompare(b.name)),
  };
}
