import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadDispatchConfig, parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { parseLeads } from '../../src/simulate/read-leads.js';
import { renderReplay } from '../../src/simulate/render.js';
import { type LeadRow, type ReplayResult, replay, type SimulatedLead } from '../../src/simulate/replay.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const example = loadDispatchConfig(`${ROOT}dispatch.example.yml`);
const SAMPLE = `${ROOT}examples/leads.csv`;

/** Rows numbered from 2, as in a spreadsheet, each a lead with sensible defaults. */
function rows(...leads: Array<Record<string, unknown>>): LeadRow[] {
  return leads.map((body, i) => ({
    row: i + 2,
    body: { source: 'idx_form', externalId: `X-${i + 2}`, ...body },
  }));
}

function lead(result: ReplayResult, row: number): SimulatedLead {
  const found = result.leads.find((l) => l.row === row);
  if (!found) throw new Error(`no row ${row}`);
  return found;
}

/** Who the lead ends up offered to first (after its hold, if held). */
const firstOf = (l: SimulatedLead) => l.chain[0]?.agents.map((a) => a.name).join(', ');
const rowsWith = (result: ReplayResult, kind: SimulatedLead['outcome']['kind']) =>
  result.leads
    .filter((l) => l.outcome.kind === kind)
    .map((l) => l.row)
    .sort((a, b) => a - b);

describe('replaying examples/leads.csv through dispatch.example.yml', () => {
  const file = parseLeads(readFileSync(SAMPLE, 'utf8'), SAMPLE);
  const result = replay(example, file.rows);

  it('adds up: every row is offered, held, an exception, a duplicate or invalid', () => {
    expect(result.totals).toEqual({
      leads: 103,
      offered: 89,
      held: 6,
      exceptions: 4,
      duplicates: 4,
      invalid: 0,
    });
  });

  it('counts leads per rule, with the exception path and unclassifiable leads', () => {
    const byRule = Object.fromEntries(result.rules.map((r) => [r.rule ?? '(none)', r.leads]));
    expect(byRule).toEqual({
      'open-house': 3,
      'portal-buyer-lead': 43,
      'web-buyer-lead': 21,
      'seller-lead': 12,
      referral: 5,
      'vendor-coordination': 6,
      'contract-milestone': 4,
      'post-close': 3,
      'manual-review': 1,
      '(none)': 1,
    });
  });

  it('counts who is offered each lead first, with shares, weights and zip matches', () => {
    const table = Object.fromEntries(
      result.agents.map((a) => [a.name, [a.offered, a.zipMatches, a.inPools]] as const),
    );
    expect(table).toEqual({
      'Dana Reyes': [23, 7, 2],
      'Marco Silva': [14, 10, 2],
      'Priya Nair': [18, 11, 2],
      'Sam Okafor': [8, 5, 0],
      'Ivy Chen': [19, 0, 0],
      'Tom Becker': [10, 0, 0],
      'Alma Ortiz': [1, 0, 0],
      'Lee Walker': [0, 0, 0],
      'Rob Former': [0, 0, 0],
    });
    const dana = result.agents.find((a) => a.name === 'Dana Reyes');
    expect(dana?.share).toBeCloseTo(23 / 93);
    // Seven agents were offered something, with weights 2 + 1 × 6.
    expect(dana?.weightShare).toBeCloseTo(2 / 8);
    expect(result.agents.find((a) => a.name === 'Lee Walker')?.weightShare).toBeNull();
  });

  it('finds the repeat contacts from a second source, whatever the phone format or email case', () => {
    const duplicates = result.leads.flatMap((l) =>
      l.outcome.kind === 'duplicate' ? [[l.row, l.outcome.of, l.outcome.matchedOn]] : [],
    );
    expect(duplicates).toEqual([
      [31, 14, 'email'], // Maria.Lopez@Example.com, then maria.lopez@example.com
      [33, 24, 'phone'], // +1 (512) 555-0181, then 512.555.0181
      [54, 50, 'phone'], // (512) 555-0182, then 5125550182
      [77, 73, 'phone'], // 512-555-0183, then +15125550183
    ]);
  });

  it('sends the exceptions to the leaders with their reasons', () => {
    const exceptions = result.leads.flatMap((l) =>
      l.outcome.kind === 'exception' ? [[l.row, l.outcome.reason]] : [],
    );
    expect(exceptions).toEqual([
      [26, 'Rule manual-review: no routing rule matches this task'],
      [58, 'Rule referral: the original agent Rob Former is inactive'],
      [70, expect.stringContaining('Could not classify: source "craigslist"')],
      [76, expect.stringContaining('the task names no referring agent')],
    ]);
  });

  it('keeps and flags what intake would keep and flag, and reports the held rows', () => {
    // Row 37's phone is 555-0107 (no area code); row 86 has an unreadable email and zip and no phone.
    // Intake stores such leads and flags the fields on the DM, so the replay routes them too.
    expect(rowsWith(result, 'invalid')).toEqual([]);
    expect(lead(result, 37).keptAsSent).toEqual(['phone']);
    expect(lead(result, 86).keptAsSent).toEqual(['email', 'zip', 'contact']);
    expect(lead(result, 37).outcome.kind).toBe('offer');
    expect(rowsWith(result, 'held')).toEqual([10, 29, 36, 60, 69, 87]);
  });

  it('gives a post-close task to the agent who got the contact earlier in the replay', () => {
    expect(firstOf(lead(result, 96))).toBe('Dana Reyes');
    expect(lead(result, 96).chain[0]?.reason).toContain('owned #15, same email');
  });

  it('renders the tables and says what a replay cannot know', () => {
    const text = renderReplay(result, { config: 'dispatch.example.yml', leads: 'examples/leads.csv' });
    expect(text).toMatch(/Dana Reyes +23 +25% +\(weight 2 → 25%\)/);
    expect(text).toMatch(/portal-buyer-lead +43 +43 +0 +0/);
    expect(text).toMatch(/\n +37 .*offer: .*\[kept as sent: phone\]\n/);
    expect(text).toMatch(/\n +86 .*\[kept as sent: email, zip; no phone or email\]\n/);
    expect(text).toContain('caps.open cannot be simulated');
    expect(text).toContain('No away windows or Slack signals');
    expect(text).toContain('Totals: 103 leads: 89 offered, 6 held, 4 exceptions, 4 duplicates, 0 invalid');
  });
});

describe('replay', () => {
  it('honours working hours: an evening lead to a rule with no on-duty cover is held until morning', () => {
    // A Tuesday, 22:30 in Austin: the buyer agents (08–20) and the ISA (07–21) are all off.
    const result = replay(example, rows({ receivedAt: '2026-10-06T22:30:00-05:00', zip: '78701' }));
    const held = lead(result, 2);
    expect(held.rule).toBe('web-buyer-lead');
    expect(held.outcome).toMatchObject({
      kind: 'held',
      until: '2026-10-07T12:00:00.000Z', // 07:00 in Chicago, when the ISA starts
      waitingFor: [{ name: 'Ivy Chen' }],
      release: { kind: 'offer', at: '2026-10-07T12:00:00.000Z' },
    });
    expect(firstOf(held)).toBe('Ivy Chen');
    expect(result.totals).toMatchObject({ held: 1, offered: 0 });
  });

  it('offers a daytime lead to the pool, and an after-hours portal lead to whoever is on duty', () => {
    const result = replay(
      example,
      rows(
        { receivedAt: '2026-10-06T10:00:00-05:00', zip: '78745', price: 400000 },
        { receivedAt: '2026-10-06T22:30:00-05:00', source: 'zillow', zip: '78745' },
      ),
    );
    expect(firstOf(lead(result, 2))).toBe('Marco Silva');
    expect(lead(result, 3).outcome.kind).toBe('offer');
    expect(lead(result, 3).chain[0]?.reason).toContain('after hours');
  });

  it('keeps round-robin counters across the replay, so every whole round follows the weights', () => {
    // Four leads a day for five weekdays, none saying zip, city or price: every buyer agent fits equally.
    const leads = [5, 6, 7, 8, 9].flatMap((day) =>
      ['09', '11', '13', '15'].map((hour) => ({ receivedAt: `2026-10-0${day}T${hour}:00:00-05:00` })),
    );
    const result = replay(example, rows(...leads));
    const firsts = result.leads.map(firstOf);
    for (let round = 0; round < 5; round++) {
      const slice = firsts.slice(round * 4, round * 4 + 4);
      expect(slice.filter((n) => n === 'Dana Reyes')).toHaveLength(2);
      expect(slice.filter((n) => n === 'Marco Silva')).toHaveLength(1);
      expect(slice.filter((n) => n === 'Priya Nair')).toHaveLength(1);
    }
    const offered = Object.fromEntries(result.agents.map((a) => [a.name, a.offered]));
    expect(offered).toMatchObject({ 'Dana Reyes': 10, 'Marco Silva': 5, 'Priya Nair': 5 });
  });

  it('skips agents at their daily cap until the next team-local day', () => {
    const config = parseDispatchConfig(`
team: { name: Small, timezone: America/Chicago, leaders_channel: C0LEADERS1, caps: { per_day: 1 } }
agents:
  - { id: U0AAA0001, name: Ann, roles: [buyer_agent] }
  - { id: U0BBB0001, name: Bo, roles: [buyer_agent], caps: { per_day: 2 } }
rules:
  - { name: buyers, assign: { strategy: round_robin, pool: { roles: [buyer_agent] } } }
`);
    const at = (day: string, hour: string) => ({
      receivedAt: `2026-10-${day}T${hour}:00:00-05:00`,
      type: 'buyer_lead',
    });
    const result = replay(
      config,
      rows(at('06', '09'), at('06', '10'), at('06', '11'), at('06', '23'), at('07', '00'), at('07', '01')),
    );
    // Ann takes one a day and Bo two; 23:00 is still the 6th in Chicago (though the 7th in UTC).
    // Ann kept her turn while capped, so the new day starts with her.
    expect(result.leads.map(firstOf)).toEqual(['Ann', 'Bo', 'Bo', undefined, 'Ann', 'Bo']);
    expect(lead(result, 5).outcome).toEqual({
      kind: 'exception',
      reason: 'Rule buyers: nobody in the pool is available',
    });
  });

  it('sends a referral naming the inactive agent to the leaders, saying why', () => {
    const result = replay(
      example,
      rows({
        receivedAt: '2026-10-06T10:00:00-05:00',
        source: 'past_client',
        referringAgent: 'rob@lakeside.example',
      }),
    );
    expect(lead(result, 2).outcome).toEqual({
      kind: 'exception',
      reason: 'Rule referral: the original agent Rob Former is inactive',
    });
    expect(result.totals.exceptions).toBe(1);
  });

  it('makes a repeat within the window a duplicate, and after it a new lead for the same agent', () => {
    const result = replay(
      example,
      rows(
        {
          receivedAt: '2026-09-01T10:00:00-05:00',
          source: 'zillow',
          phone: '+1 (512) 555-0100',
          zip: '78745',
        },
        { receivedAt: '2026-09-03T10:00:00-05:00', source: 'realtor.com', phone: '512.555.0100' },
        // 35 days later, past the 30-day window: a referral from the past client, to the agent who had them.
        { receivedAt: '2026-10-06T10:00:00-05:00', source: 'past_client', phone: '5125550100' },
      ),
    );
    expect(firstOf(lead(result, 2))).toBe('Marco Silva');
    expect(lead(result, 3).outcome).toEqual({ kind: 'duplicate', of: 2, matchedOn: 'phone' });
    expect(lead(result, 4).rule).toBe('referral');
    expect(firstOf(lead(result, 4))).toBe('Marco Silva');
    expect(lead(result, 4).chain[0]?.reason).toBe('the original agent (owned #2, same phone)');
    expect(result.agents.find((a) => a.name === 'Marco Silva')?.offered).toBe(2);
  });

  it('reports an invalid row with its number and reasons, skips it and carries on', () => {
    const result = replay(
      example,
      rows(
        { receivedAt: '2026-10-06T10:00:00-05:00', source: '', phone: '555-12' },
        { phone: '(512) 555-0101' },
        { receivedAt: '2026-10-06T11:00:00-05:00' },
        { receivedAt: '2026-10-06T12:00:00-05:00', phone: '555-12', zip: '7870' },
      ),
    );
    expect(lead(result, 2).outcome).toEqual({
      kind: 'invalid',
      reasons: ['source: is required, e.g. "zillow" (or post to /leads/<source>)'],
    });
    expect(lead(result, 3).outcome).toEqual({
      kind: 'invalid',
      reasons: ['receivedAt: is required to replay a lead'],
    });
    expect(lead(result, 4).outcome.kind).toBe('offer');
    // Unreadable optional fields do not make a row invalid: intake would keep and flag them.
    expect(lead(result, 5).outcome.kind).toBe('offer');
    expect(lead(result, 5).keptAsSent).toEqual(['phone', 'zip', 'contact']);
    expect(result.totals).toMatchObject({ leads: 4, invalid: 2, offered: 2 });
  });
});

describe('parseLeads', () => {
  it('reads a CSV with address.* columns and ;-separated tags', () => {
    const csv = [
      'receivedAt,Source,address.city,address.zip,tags,Lead Owner',
      '2026-10-06T10:00:00-05:00,idx_form,Austin,78701, open_house ; vip ,Dana',
      '2026-10-06T11:00:00-05:00,idx_form,Austin',
    ].join('\n');
    const file = parseLeads(csv, 'export.csv');
    expect(file.rows[0]).toEqual({
      row: 2,
      problems: [],
      body: {
        receivedAt: '2026-10-06T10:00:00-05:00',
        source: 'idx_form',
        address: { city: 'Austin', zip: '78701' },
        tags: ['open_house', 'vip'],
        externalId: 'row 2',
      },
    });
    expect(file.rows[1]?.problems).toEqual(['has 3 cells, the header has 6']);
    expect(file.notes).toContain('Columns not used: Lead Owner.');
  });

  it('reads a JSON array, moving flat city and street into the address', () => {
    const json = JSON.stringify([
      { receivedAt: '2026-10-06T10:00:00Z', source: 'zillow', city: 'Austin', tags: 'a;b' },
    ]);
    const [row] = parseLeads(json, 'leads.json').rows;
    expect(row?.body).toMatchObject({ address: { city: 'Austin' }, tags: ['a', 'b'] });
    const [notAnObject] = replay(example, parseLeads('[42]', 'leads.json').rows).leads;
    expect(notAnObject?.outcome).toEqual({
      kind: 'invalid',
      reasons: ['row: must be a JSON object or a form', 'receivedAt: is required to replay a lead'],
    });
  });

  it('says what is wrong with a file it cannot use, naming it', () => {
    expect(() => parseLeads('{"a": 1}', 'leads.json')).toThrow('leads.json: expected a JSON array');
    expect(() => parseLeads('[1,', 'leads.json')).toThrow('leads.json: is not valid JSON');
    expect(() => parseLeads('name,phone\nA,1', 'leads.csv')).toThrow(
      'leads.csv: line 1 must name the columns, with at least receivedAt and source',
    );
    expect(() => parseLeads('receivedAt,source\n"x,y', 'leads.csv')).toThrow('leads.csv: is not valid CSV');
    expect(() => parseLeads('receivedAt,source\n', 'leads.csv')).toThrow('leads.csv: has no leads');
  });
});

describe('lead-dispatch simulate', () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run('npx', ['tsx', 'src/cli.ts', 'simulate', ...args], { cwd: ROOT, timeout: 60_000 });

  it('prints the replay of the sample, as text and as JSON', async () => {
    const text = await cli('--config', 'dispatch.example.yml', '--leads', 'examples/leads.csv');
    expect(text.stdout).toContain('Routing simulation of examples/leads.csv with dispatch.example.yml');
    expect(text.stdout).toMatch(/Per agent/);
    expect(text.stdout).toMatch(/\n +58 +Sat 2026-10-17 11:30 +referral +referral +EXCEPTION: /);
    expect(text.stdout).toContain(
      'Totals: 103 leads: 89 offered, 6 held, 4 exceptions, 4 duplicates, 0 invalid',
    );

    const json = await cli('--config', 'dispatch.example.yml', '--leads', 'examples/leads.csv', '--json');
    const data = JSON.parse(json.stdout) as ReplayResult;
    expect(data.totals.leads).toBe(103);
    expect(data.leads).toHaveLength(103);
    expect(data.agents.map((a) => a.name)).toContain('Dana Reyes');
    expect(data.rules.map((r) => r.rule)).toContain('portal-buyer-lead');
  }, 120_000);

  it('fails in one line when the leads file is missing, and with usage when an option is', async () => {
    const missing = await cli('--config', 'dispatch.example.yml', '--leads', 'nope.csv').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in missing && missing.code).toBe(1);
    expect(
      missing.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('npm warn')),
    ).toEqual(['lead-dispatch: nope.csv: file not found']);
    const usage = await cli('--config', 'dispatch.example.yml').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in usage && usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: lead-dispatch');
  }, 120_000);
});
