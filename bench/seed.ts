/**
 * Fills a database with the history a busy team builds up over months, written the way the app
 * writes it (tasks, their offers, the audit events, escalations), so a bench can see what the app's
 * queries cost at that size. Direct SQL, prepared once, in one transaction: 100,000 tasks in seconds.
 *
 * The mix, per task (about 1.23 offers and 6.35 events each):
 *   74% claimed at the first offer; 14% after one offer lapsed; 4% after two;
 *    3% escalated after three lapses, and assigned by a leader; 5% the same person again, merged.
 * 85% of claims are marked contacted; the rest were on rules without a no-contact timer.
 */
import type { DispatchConfig } from '../src/config/dispatch-schema.js';
import { migrateDatabase, openDatabase } from '../src/db/connection.js';
import { syncAgents } from '../src/dispatch/roster.js';

export interface SeedResult {
  tasks: number;
  offers: number;
  events: number;
  escalations: number;
  ms: number;
}

const DAY = 86_400_000;
const SOURCES = ['zillow', 'realtor.com', 'idx_form', 'web_form', 'facebook_ads', 'past_client'];
const ZIPS = ['78701', '78702', '78703', '78704', '78745', '78746'];

/** A tiny deterministic generator, so two runs seed the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function seedDatabase(path: string, config: DispatchConfig, taskCount: number, now: Date): SeedResult {
  const started = performance.now();
  const db = openDatabase(path);
  try {
    migrateDatabase(db);
    syncAgents(db, config, now);
    const sqlite = db.$client;
    // Everyone has opened their App Home: every sweep renders it, as in a team that uses it.
    sqlite.prepare('update agents set home_opened_at = ?').run(now.getTime() - 90 * DAY);
    const agents = config.agents.filter((a) => a.active).map((a) => a.id);
    const leaders = config.agents.filter((a) => a.roles.includes('team_leader')).map((a) => a.id);
    const insertTask = sqlite.prepare(`insert into tasks (source, external_id, type, status, first_name,
      last_name, email, phone, street, city, state, zip, price, message, tags, payload, received_at, created_at,
      rule_name, chain, sla, owner_id, claimed_at, manual_review, contact_sla_seconds, contact_due_at,
      contacted_at, duplicate_of)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Austin', 'TX', ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertOffer = sqlite.prepare(`insert into offers (task_id, agent_id, position, status, reason,
      offered_at, deadline, resolved_at, dm_channel, dm_ts, dm_posted_at, version, rendered_version)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, 3)`);
    const insertEvent = sqlite.prepare(
      'insert into events (task_id, offer_id, kind, actor, at, detail) values (?, ?, ?, ?, ?, ?)',
    );
    const insertEscalation =
      sqlite.prepare(`insert into escalations (task_id, reason, created_at, channel, ts,
      version, rendered_version, announced_at, resolved_at, resolved_by, resolution, assignee)
      values (?, ?, ?, ?, ?, 2, 2, ?, ?, ?, 'assigned', ?)`);
    const rand = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const counts = { offers: 0, events: 0, escalations: 0 };
    // Spread over six months, ending an hour ago, so "today" holds only today's share.
    const span = 180 * DAY;
    const end = now.getTime() - 3_600_000;
    const people: Array<{ phone: string; email: string; taskId: number }> = [];

    sqlite.transaction(() => {
      for (let i = 0; i < taskCount; i++) {
        const at = end - span + Math.floor((span * i) / taskCount);
        const roll = rand();
        const kind =
          roll < 0.74
            ? 'first'
            : roll < 0.88
              ? 'second'
              : roll < 0.92
                ? 'third'
                : roll < 0.95
                  ? 'escalated'
                  : 'merged';
        // A repeat is the same person as an earlier lead; everyone else is new (numbers unlike the bench's own).
        const root = kind === 'merged' && people.length > 0 ? pick(people.slice(-2000)) : undefined;
        const phone = root?.phone ?? `+1512${String(2_000_000 + i).padStart(7, '0')}`;
        const email = root?.email ?? `seeded.${i}@example.org`;
        const source = pick(SOURCES);
        const zip = pick(ZIPS);
        const lapses = kind === 'second' ? 1 : kind === 'third' ? 2 : kind === 'escalated' ? 3 : 0;
        const chain = [0, 1, 2].map(() => ({ agentId: pick(agents), reason: 'round robin' }));
        const owner =
          kind === 'merged' ? null : kind === 'escalated' ? pick(leaders) : (chain[lapses]?.agentId ?? null);
        const claimedAt = owner ? at + lapses * 300_000 + 60_000 + Math.floor(rand() * 240_000) : null;
        const contacted = owner !== null && rand() < 0.85;
        const payload = JSON.stringify({
          source,
          externalId: `seed-${i}`,
          firstName: 'Sam',
          lastName: `Lead${i}`,
          email,
          phone,
          zip,
          price: 350_000,
        });
        const status = kind === 'merged' ? 'merged' : kind === 'escalated' ? 'escalated' : 'claimed';
        const taskId = Number(
          insertTask.run(
            source,
            `seed-${i}`,
            'buyer_lead',
            status,
            'Sam',
            `Lead${i}`,
            email,
            phone,
            `${100 + (i % 900)} Oak St`,
            zip,
            300_000 + (i % 50) * 10_000,
            'Looking to tour this weekend',
            payload,
            at,
            at,
            kind === 'merged' ? null : 'buyer-leads',
            JSON.stringify(chain),
            JSON.stringify({ kind: 'duration', seconds: 300, clock: 'always' }),
            owner,
            claimedAt,
            kind === 'escalated' ? 1 : 0,
            contacted ? 900 : null,
            null,
            contacted && claimedAt ? claimedAt + Math.floor(rand() * 600_000) : null,
            root?.taskId ?? null,
          ).lastInsertRowid,
        );
        const event = (
          kind: string,
          when: number,
          offerId: number | null = null,
          actor = 'system',
          detail = '{}',
        ) => {
          insertEvent.run(taskId, offerId, kind, actor, when, detail);
          counts.events++;
        };
        event('received', at, null, 'system', JSON.stringify({ source }));
        event('classified', at, null, 'system', '{"type":"buyer_lead","why":"source"}');
        if (kind === 'merged' && root) {
          event('merged', at, null, 'system', JSON.stringify({ into: root.taskId, matchedOn: 'phone' }));
          insertEvent.run(root.taskId, null, 'duplicate_contact', 'system', at, JSON.stringify({ taskId }));
          counts.events++;
          continue;
        }
        people.push({ phone, email, taskId });
        event('routed', at, null, 'system', JSON.stringify({ rule: 'buyer-leads', chain }));
        let offeredAt = at;
        for (let position = 0; position <= Math.min(lapses, 2); position++) {
          const agentId = chain[position]?.agentId ?? null;
          const lapsed = position < lapses;
          const resolvedAt = lapsed ? offeredAt + 300_000 : (claimedAt ?? offeredAt);
          const offerId = Number(
            insertOffer.run(
              taskId,
              agentId,
              position,
              lapsed ? 'expired' : 'claimed',
              'round robin',
              offeredAt,
              offeredAt + 300_000,
              resolvedAt,
              `D${String(position).padStart(8, '0')}`,
              `${Math.floor(offeredAt / 1000)}.${String(i).padStart(6, '0')}`,
              offeredAt + 150,
            ).lastInsertRowid,
          );
          counts.offers++;
          event('offered', offeredAt, offerId, 'system', JSON.stringify({ agentId, position }));
          if (lapsed) event('expired', resolvedAt, offerId);
          else if (kind !== 'escalated' && agentId) event('claimed', resolvedAt, offerId, agentId);
          offeredAt = resolvedAt;
        }
        if (kind === 'escalated' && owner) {
          insertEscalation.run(
            taskId,
            'Nobody in the chain claimed it',
            offeredAt,
            'C0LEADERS1',
            `${Math.floor(offeredAt / 1000)}.9${String(i).padStart(5, '0')}`,
            offeredAt,
            claimedAt,
            owner,
            owner,
          );
          counts.escalations++;
          event('escalated', offeredAt);
          event('assigned', claimedAt ?? offeredAt, null, owner);
        }
        if (contacted && owner) event('contacted', claimedAt ?? at, null, owner);
      }
    })();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { tasks: taskCount, ...counts, ms: performance.now() - started };
  } finally {
    db.$client.close();
  }
}
