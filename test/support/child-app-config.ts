import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { query } from './db.js';
import { EXAMPLE_CONFIG, INTAKE_TOKEN } from './harness.js';
import type { SlackDouble } from './slack-double.js';

/**
 * For tests that run the real app as a child process on the real clock: the example team at work
 * around the clock and without caps, so the hour CI runs at does not matter. Returns the path.
 */
export function alwaysAtWorkConfig(dir: string): string {
  const config = parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as {
    team: Record<string, unknown>;
    agents: Array<Record<string, unknown>>;
  };
  delete config.team.working_hours;
  delete config.team.caps;
  for (const agent of config.agents) {
    delete agent.working_hours;
    delete agent.caps;
  }
  const path = join(dir, 'dispatch.yml');
  writeFileSync(path, stringify(config));
  return path;
}

/** POSTs a lead as a CRM would; undefined when refused or cut off, so the caller sends it again. */
export async function sendLead(port: number, lead: Record<string, unknown>): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(lead),
    });
    if (res.status !== 202 && res.status !== 200) return undefined;
    return ((await res.json()) as { id: number }).id;
  } catch {
    return undefined; // refused or reset by the kill: send it again, as a CRM would
  }
}

/**
 * What a burst through real app processes must leave, kills or takeovers included: one task per
 * accepted lead, each offered or escalated exactly once, and every DM the Slack double holds
 * naming a different offer (by its metadata), the one whose `dm_ts` the database kept.
 * Returns the DMs by offer id, for a test's own checks.
 */
export function expectEachLeadHandledOnce(
  dbPath: string,
  double: SlackDouble,
  accepted: ReadonlyMap<string, number>,
  leads: number,
): Map<number, string[]> {
  const ids = [...accepted.values()];
  expect(new Set(ids).size).toBe(leads);
  expect(query(dbPath, 'select count(*) as n from tasks')).toEqual([{ n: leads }]);
  // Offered or escalated, exactly once each: no SLA lapses in these tests, so one offer per task.
  const handled = query(
    dbPath,
    `select t.id, (select count(*) from offers o where o.task_id = t.id) as offers,
            (select count(*) from escalations e where e.task_id = t.id) as escalations
       from tasks t`,
  );
  for (const row of handled) expect(Number(row.offers) + Number(row.escalations), `task ${row.id}`).toBe(1);
  const perOffer = new Map<number, string[]>();
  for (const message of double.messages) {
    const payload = (message.metadata as { event_payload?: { kind?: string; id?: number } } | undefined)
      ?.event_payload;
    if (payload?.kind !== 'offer' || typeof payload.id !== 'number') continue;
    perOffer.set(payload.id, [...(perOffer.get(payload.id) ?? []), message.ts]);
  }
  expect([...perOffer.entries()].filter(([, posts]) => posts.length > 1)).toEqual([]);
  const offers = query(dbPath, 'select id, dm_ts from offers where agent_id is not null');
  expect(offers.length).toBeGreaterThan(0);
  for (const offer of offers)
    expect(perOffer.get(Number(offer.id)), `offer ${offer.id}`).toEqual([offer.dm_ts]);
  return perOffer;
}
