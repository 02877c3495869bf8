/**
 * The chaos suite, run by hand (not part of `npx vitest run`):
 *
 *   npm run chaos [-- --only <fault>[,<fault>…]] [--leads 200] [--rate 20] [--window 8]
 *
 * Per fault (chaos/faults.ts), on a fresh database: lead-dispatch as its own process with the
 * Slack, Follow Up Boss and Twilio doubles and an SMTP server; a burst of leads (a third each from
 * a portal, a web form and FUB webhooks), the fault for a window starting 2 s in, recovery, and a
 * wait until the app has nothing left to do. Agents click Claim on every DM throughout. Prints one
 * row per fault and exits 1 if any accepted lead was lost or doubled.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { audit, type Outcome, waitQuiescent } from './audit.js';
import { FAULTS, type Fault } from './faults.js';
import { Clicker, sendLeads } from './traffic.js';
import { startWorld } from './world.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    leads: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
    window: { type: 'string', default: '8' },
    quiet: { type: 'string', default: '150' },
  },
});
const leads = Number(values.leads);
const rate = Number(values.rate);
const windowMs = Number(values.window) * 1000;
const only = values.only?.split(',').map((s) => s.trim());
const unknown = (only ?? []).filter((name) => !FAULTS.some((f) => f.name === name));
if (unknown.length > 0 || !(leads > 0) || !(rate > 0) || !(windowMs > 0)) {
  process.stderr.write(
    `${unknown.length > 0 ? `unknown fault: ${unknown.join(', ')}\n` : ''}usage: npm run chaos -- [--only ${FAULTS.map((f) => f.name).join('|')}] [--leads 200] [--rate 20] [--window 8]\n`,
  );
  process.exit(2);
}
const chosen = FAULTS.filter((f) => !only || only.includes(f.name));
/** The fault begins this long into the burst. */
const FAULT_AT_MS = 2000;

async function scenario(fault: Fault): Promise<Outcome & { seconds: number }> {
  const began = Date.now();
  const world = await startWorld(fault.name);
  try {
    const clicker = new Clicker(world);
    const runTag = `${fault.name}-${began.toString(36)}`;
    const sending = sendLeads(world, leads, rate, runTag);
    await sleep(FAULT_AT_MS);
    await fault.run(world, windowMs);
    const sent = await sending;
    const sentAt = Date.now();
    const quiescent = await waitQuiescent(world, sent, Number(values.quiet) * 1000);
    await clicker.stop();
    const outcome = audit(world, sent, quiescent);
    if (!quiescent) outcome.problems.unshift(`still busy ${values.quiet} s after the last lead`);
    const refused = sent.filter((l) => l.refused);
    if (refused.length > 0)
      outcome.problems.push(`${refused.length} leads never accepted (last answer ${refused[0]?.refused})`);
    const retried = sent.filter((l) => l.tries > 1).length;
    const why = new Map<string, number>();
    for (const f of sent.flatMap((l) => l.failures)) why.set(f, (why.get(f) ?? 0) + 1);
    const whyText = [...why].map(([answer, n]) => `${n}× ${answer}`).join(', ');
    if (world.restarts.length > 0)
      outcome.made += `; restarts took ${world.restarts.map((s) => s.toFixed(0)).join(', ')} s`;
    outcome.made += `; ${retried} leads sent more than once${whyText ? ` (${whyText})` : ''}; quiet ${((Date.now() - sentAt) / 1000).toFixed(0)} s after the last lead was accepted`;
    return { ...outcome, seconds: (Date.now() - began) / 1000 };
  } catch (error) {
    process.stderr.write(`${fault.name}: ${String(error)}\n${world.app().stderr()}\n`);
    throw error;
  } finally {
    await world.close();
  }
}

const header = ['fault', 'sent', 'accepted', 'lost', 'doubled', 'longest delay', 'DM order', 'dead', 'time'];
const rows: string[][] = [];
let failed = false;
process.stdout.write(
  `chaos: ${leads} leads at ${rate}/s per fault, fault window ${windowMs / 1000} s from 2 s in\n\n`,
);
for (const fault of chosen) {
  process.stdout.write(`${fault.name}: ${fault.what} …\n`);
  const o = await scenario(fault);
  failed ||= o.lost > 0 || o.doubled > 0 || !o.quiescent;
  process.stdout.write(`  ${o.made}\n`);
  for (const p of o.problems) process.stdout.write(`  ${p}\n`);
  rows.push([
    fault.name,
    String(o.sent),
    String(o.accepted),
    String(o.lost),
    String(o.doubled),
    o.longestDelayS === undefined ? '-' : `${o.longestDelayS.toFixed(1)} s`,
    o.outOfOrder === 0 ? 'in order' : `${o.outOfOrder} late`,
    String(o.dead),
    `${o.seconds.toFixed(0)} s`,
  ]);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
process.stdout.write(
  `\n${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`,
);
process.exit(failed ? 1 : 0);
