import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { EXAMPLE_CONFIG, INTAKE_TOKEN } from './harness.js';

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
