import { describe, expect, it } from 'vitest';
import { sampleRequest, withSecrets } from '../../src/intake/sample-lead.js';
import { query } from '../support/db.js';
import { INTAKE_TOKEN, useHarness } from '../support/harness.js';
import {
  SOURCES_CONFIG as CONFIG,
  KVCORE_SECRET,
  SOURCE_SECRETS as SECRETS,
  SITE_SECRET,
  ZILLOW_SECRET,
} from '../support/intake-sources.js';

describe('intake from any CRM, form or Zapier step (issue 11)', () => {
  const logLines: string[] = [];
  const h = useHarness({ config: CONFIG, secrets: SECRETS, logLines });

  const post = (path: string, body: string | object, headers: Record<string, string> = {}) =>
    fetch(`${h.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const taskCount = () => query(h.dbPath, 'select count(*) as n from tasks')[0]?.n;
  const taskRow = (id: number) => query(h.dbPath, 'select * from tasks where id = ?', id)[0] ?? {};
  const idOf = async (res: Response) => ((await res.json()) as { id: number }).id;

  it('a kvCORE-like contact through Zapier: first_name, cell_phone_1, email, deal_type, source', async () => {
    const res = await post(
      '/leads/kvcore',
      {
        id: 48213,
        first_name: 'Ana',
        last_name: 'Ruiz',
        cell_phone_1: '512-555-0101',
        email: 'Ana.Ruiz@Example.com',
        deal_type: 'Buyer',
        source: 'kvCORE',
        zip_code: '78701',
      },
      { authorization: `Bearer ${KVCORE_SECRET}` },
    );
    expect(res.status).toBe(202);
    const id = await idOf(res);
    expect(taskRow(id)).toMatchObject({
      source: 'kvcore',
      external_id: '48213',
      type: 'buyer_lead',
      first_name: 'Ana',
      phone: '+15125550101',
      email: 'ana.ruiz@example.com',
      zip: '78701',
      intake_notes: '[]',
    });
    const dm = await h.double.waitForPost({ textIncludes: 'Ana Ruiz' });
    const text = h.double.allText(dm);
    expect(text).toContain('Buyer lead from kvcore');
    expect(text).toContain('tel:+15125550101');
    expect(text).toContain('mailto:ana.ruiz@example.com');
    expect(h.double.buttons(dm).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
  });

  it('a flat Zapier body with common names, secret in X-Lead-Dispatch-Secret', async () => {
    const res = await post(
      '/leads/zillow',
      {
        leadId: 'zl-77',
        name: 'Sam Lee',
        phone_number: '(512) 555-0177',
        email_address: 'sam@example.com',
        zipcode: '78701',
        price: '450K',
        comments: 'Is it still available?',
      },
      { 'x-lead-dispatch-secret': ZILLOW_SECRET },
    );
    expect(res.status).toBe(202);
    const id = await idOf(res);
    expect(taskRow(id)).toMatchObject({
      source: 'zillow',
      external_id: 'zl-77',
      first_name: 'Sam',
      last_name: 'Lee',
      phone: '+15125550177',
      email: 'sam@example.com',
      price: 450_000,
      message: 'Is it still available?',
    });
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Sam Lee' }));
    expect(text).toContain('Buyer lead from Zillow');
    expect(text).toContain('$450,000');
    expect(text).toContain('Is it still available?');
    expect(text).toContain('Rule *portal-buyer-lead* chose you');
  });

  it('a Zillow-style body, leadId and a nested contact mapped by dotted path', async () => {
    const res = await post(
      '/leads/zillow',
      {
        leadId: 'zl-78',
        contact: { first_name: 'Ivy', last_name: 'Chen', phone: '5125550178', email: 'ivy@example.com' },
      },
      { authorization: `Bearer ${ZILLOW_SECRET}` },
    );
    expect(res.status).toBe(202);
    expect(taskRow(await idOf(res))).toMatchObject({
      first_name: 'Ivy',
      last_name: 'Chen',
      phone: '+15125550178',
    });
    await h.double.waitForPost({ textIncludes: 'Ivy Chen' });
  });

  it('a plain HTML form posted to /leads/<source>/<secret>, without an id', async () => {
    const form =
      'name=Maria+Lopez&email=maria%40example.com&phone=512-555-0143&zip=78701&message=Tour+Saturday%3F';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await post(`/leads/website/${SITE_SECRET}`, form, headers);
    expect(res.status).toBe(202);
    const id = await idOf(res);
    expect(taskRow(id)).toMatchObject({
      source: 'website',
      first_name: 'Maria',
      last_name: 'Lopez',
      phone: '+15125550143',
      email: 'maria@example.com',
      message: 'Tour Saturday?',
    });
    expect(String(taskRow(id).external_id)).toMatch(/^form-/);
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Maria Lopez' }));
    expect(text).toContain('Tour Saturday?');
    // The same form sent twice (a double click) is one lead.
    const again = await post(`/leads/website/${SITE_SECRET}`, form, headers);
    expect([again.status, await again.json()]).toEqual([200, { id, duplicate: true }]);
  });

  it('stores each unreadable optional field as sent and shows it on the DM', async () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, string]> = [
      [{ phone: '555-0107' }, { phone: null }, '*Phone* as sent: `555-0107`, not a full number'],
      [{ price: '450K' }, { price: 450_000, price_low: null }, '$450,000'],
      [{ price: '$400-450k' }, { price: 450_000, price_low: 400_000 }, '$400K–$450K'],
      [
        { address: '12 Elm St, Austin, TX 78701' },
        { street: '12 Elm St, Austin, TX 78701', zip: '78701' },
        '12 Elm St, Austin, TX 78701',
      ],
      [
        { address: 42 },
        { street: null },
        'send an object with street, city, state, zip, or one line of text',
      ],
      [{ type: 'condo_lead' }, { type: 'buyer_lead' }, '*Type* as sent: `condo_lead`, not a type we know'],
    ];
    for (const [i, [fields, stored, shown]] of cases.entries()) {
      const res = await h.postLead({
        source: 'zillow',
        externalId: `z-odd-${i}`,
        firstName: `Case${i}`,
        lastName: 'Odd',
        email: `case${i}@example.com`,
        zip: '78701',
        ...fields,
      });
      expect(res.status).toBe(202);
      const row = taskRow(await idOf(res));
      expect(row).toMatchObject(stored);
      expect(JSON.stringify(row.payload)).toContain(JSON.stringify(Object.values(fields)[0]).slice(1, -1));
      const text = h.double.allText(await h.double.waitForPost({ textIncludes: `Case${i} Odd` }));
      expect(text).toContain(shown);
    }
    // A type it cannot read is classified by its source instead (buyer_lead above), flagged, and routed.
    const condo = query(h.dbPath, "select intake_notes from tasks where external_id = 'z-odd-5'")[0];
    expect(JSON.parse(String(condo?.intake_notes))).toEqual([
      { field: 'type', sent: 'condo_lead', problem: 'not a type we know; classified by its source' },
    ]);
  });

  it('dispatches a lead with no phone and no email, with a visible warning', async () => {
    const res = await h.postLead({
      source: 'zillow',
      externalId: 'z-mute',
      firstName: 'Quiet',
      lastName: 'Person',
      zip: '78701',
    });
    expect(res.status).toBe(202);
    const row = taskRow(await idOf(res));
    expect(JSON.parse(String(row.intake_notes))).toEqual([
      { field: 'contact', problem: 'no phone or email: no way to reach them yet' },
    ]);
    const dm = await h.double.waitForPost({ textIncludes: 'Quiet Person' });
    expect(h.double.allText(dm)).toContain('No phone or email: no way to reach them yet');
    expect(h.double.buttons(dm).map((b) => b.text)).toContain('Claim');
  });

  it('routes "Zillow Premier Agent" as zillow, and a repeat under another alias is the same lead', async () => {
    const res = await h.postLead({
      source: 'Zillow Premier Agent',
      externalId: 'zpa-1',
      name: 'Pat Kim',
      phone: '512-555-0190',
      zip: '78701',
    });
    expect(res.status).toBe(202);
    const id = await idOf(res);
    expect(taskRow(id)).toMatchObject({ source: 'zillow' });
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Pat Kim' }));
    expect(text).toContain('Rule *portal-buyer-lead* chose you');
    expect(taskRow(id)).toMatchObject({ rule_name: 'portal-buyer-lead', manual_review: 0 });
    const again = await h.postLead({ source: 'zillow.com', externalId: 'zpa-1' });
    expect([again.status, await again.json()]).toEqual([200, { id, duplicate: true }]);
  });

  it("takes a source's own secret; a wrong one is 401 and stores nothing", async () => {
    const before = taskCount();
    const lead = { leadId: 'zl-s1', name: 'Lee Park', phone: '512-555-0191', zip: '78701' };
    const wrong = await post('/leads/zillow', lead, { authorization: `Bearer ${KVCORE_SECRET}` });
    const none = await post('/leads/zillow', lead);
    expect([wrong.status, none.status]).toEqual([401, 401]);
    expect(((await wrong.json()) as { error: string }).error).toContain('ZILLOW_INTAKE_SECRET');
    expect(taskCount()).toBe(before);
    const right = await post('/leads/zillow', lead, { authorization: `Bearer ${ZILLOW_SECRET}` });
    expect(right.status).toBe(202);
    await h.double.waitForPost({ textIncludes: 'Lee Park' });
    // INTAKE_TOKEN still works on /leads as before, and on a source's own endpoint.
    const token = await post(
      '/leads/kvcore',
      { id: 'k-2', name: 'Jo Fox', email: 'jo@example.com', type: 'buyer_lead', zip: '78701' },
      { authorization: `Bearer ${INTAKE_TOKEN}` },
    );
    expect(token.status).toBe(202);
    await h.double.waitForPost({ textIncludes: 'Jo Fox' });
  });

  it('takes a secret in the URL path only from a source that allows it, and never INTAKE_TOKEN there', async () => {
    const before = taskCount();
    const lead = { id: 'p-1', name: 'Al Gray', phone: '512-555-0192', zip: '78701' };
    const notAllowed = await post(`/leads/zillow/${ZILLOW_SECRET}`, lead);
    const token = await post(`/leads/website/${INTAKE_TOKEN}`, lead);
    const wrong = await post(`/leads/website/${SITE_SECRET}x`, lead);
    expect([notAllowed.status, token.status, wrong.status]).toEqual([401, 401, 401]);
    expect(taskCount()).toBe(before);
    expect((await post(`/leads/website/${SITE_SECRET}`, lead)).status).toBe(202);
    await h.double.waitForPost({ textIncludes: 'Al Gray' });
  });

  it('answers 400 only for what is not a lead, in words the sender knows', async () => {
    const before = taskCount();
    const auth = { authorization: `Bearer ${ZILLOW_SECRET}` };
    const list = await post('/leads/zillow', '[{"leadId": "x"}]', auth);
    const noSource = await h.postLead({ leadId: 'zl-1', contact: { first_name: 'Jane' } });
    const noId = await h.postLead({ source: 'zillow', name: 'Jane Buyer' });
    expect([list.status, noSource.status, noId.status]).toEqual([400, 400, 400]);
    const bodies = (await Promise.all([list.json(), noSource.json(), noId.json()])) as Array<{
      issues: Array<{ path: string; message: string }>;
    }>;
    expect(bodies.map((b) => b.issues.map((i) => i.path))).toEqual([['(body)'], ['source'], ['externalId']]);
    expect(bodies[1]?.issues[0]?.message).toContain('post to /leads/<source>');
    expect(bodies[2]?.issues[0]?.message).toContain('leadId');
    expect(JSON.stringify(bodies)).not.toContain('mapping of keys');
    expect(taskCount()).toBe(before);
  });

  it("logs flagged field names, never a lead's name, phone or email, nor a secret", async () => {
    const res = await h.postLead({
      source: 'zillow',
      externalId: 'z-log',
      name: 'Rosa Diaz',
      phone: '555-0107',
      email: 'bad-email',
      zip: '78701',
    });
    expect(res.status).toBe(202);
    await post(`/leads/website/${SITE_SECRET}`, {
      name: 'Web Visitor',
      email: 'web@example.com',
      zip: '78701',
    });
    await h.double.waitForPost({ textIncludes: 'Rosa Diaz' });
    await h.double.waitForPost({ textIncludes: 'Web Visitor' });
    const logs = logLines.join('\n');
    expect(logs).toContain('"flagged":["email","phone","contact"]');
    for (const secretOrPii of ['Rosa', '555-0107', 'bad-email', 'web@example.com', SITE_SECRET])
      expect(logs).not.toContain(secretOrPii);
  });

  it('sample-lead builds a request each source accepts as is, in its own shape (JSON, and a form with the secret in the path)', async () => {
    for (const [source, form, ms] of [
      ['Zillow Premier Agent', false, 1],
      ['website', true, 2],
    ] as const) {
      const now = new Date(h.clock.now().getTime() + ms);
      const request = sampleRequest(CONFIG, { source, form, baseUrl: h.baseUrl, now });
      expect(request.curl).not.toContain(SITE_SECRET);
      const ready = withSecrets(request, (name) => SECRETS[name as keyof typeof SECRETS]);
      if ('missing' in ready) throw new Error(`${ready.missing} is missing`);
      const res = await fetch(ready.url, { method: 'POST', headers: ready.headers, body: request.body });
      expect(res.status).toBe(202);
      const dm = await h.double.waitForPost({ textIncludes: 'Sample Lead' });
      expect(h.double.allText(dm)).toContain('A test lead from lead-dispatch sample-lead');
    }
    const zillow = sampleRequest(CONFIG, {
      source: 'zillow',
      form: false,
      baseUrl: h.baseUrl,
      now: h.clock.now(),
    });
    expect(JSON.parse(zillow.body)).toMatchObject({ contact: { first_name: 'Sample', last_name: 'Lead' } });
  });
});
