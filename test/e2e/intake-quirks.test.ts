import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { useHarness } from '../support/harness.js';
import { SITE_SECRET, SOURCE_SECRETS, SOURCES_CONFIG, ZILLOW_SECRET } from '../support/intake-sources.js';

/** What a new user met sending real forms and CRM bodies (issue 11 review). */
describe('intake: empty forms, deep bodies, form quirks', () => {
  const logLines: string[] = [];
  const h = useHarness({ config: SOURCES_CONFIG, secrets: SOURCE_SECRETS, logLines });
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(`${h.baseUrl}${path}`, { method: 'POST', headers, body });
  const taskCount = () => query(h.dbPath, 'select count(*) as n from tasks')[0]?.n;
  const taskRow = (id: number) => query(h.dbPath, 'select * from tasks where id = ?', id)[0] ?? {};
  const idOf = async (res: Response) => ((await res.json()) as { id: number }).id;
  const notesOf = (id: number) => JSON.parse(String(taskRow(id).intake_notes)) as unknown[];

  it('an empty or junk form is not a lead: 400 in plain words, nothing stored, no DM', async () => {
    const before = taskCount();
    for (const body of ['', 'foo', 'submit=Send&g-recaptcha-response=']) {
      const res = await post(`/leads/website/${SITE_SECRET}`, body, FORM);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string };
      expect(JSON.stringify(answer)).toContain(
        'an empty form is not a lead: send at least a name, phone, email or message',
      );
    }
    const json = await post('/leads/kvcore', '{}', {
      'content-type': 'application/json',
      authorization: `Bearer ${SOURCE_SECRETS.KVCORE_INTAKE_SECRET}`,
    });
    expect(json.status).toBe(400);
    expect(taskCount()).toBe(before);
    // One real field is enough: a form with only a phone is someone asking to be called.
    const phoneOnly = await post(`/leads/website/${SITE_SECRET}`, 'phone=512-555-0170', FORM);
    expect(phoneOnly.status).toBe(202);
    await h.double.waitForPost({ textIncludes: 'tel:+15125550170' });
  });

  it("answers a bot that fills the form's hidden honeypot field as if it were a lead, and stores nothing", async () => {
    const before = taskCount();
    const bot = 'name=Buy+Pills&email=bot%40spam.example&message=cheap&company_url=http%3A%2F%2Fspam.example';
    const res = await post(`/leads/website/${SITE_SECRET}`, bot, FORM);
    expect([res.status, await res.json()]).toEqual([202, {}]);
    expect(taskCount()).toBe(before);
    // A person leaves it empty: their form is a lead.
    const person = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=Real+Person&phone=512-555-0169&company_url=',
      FORM,
    );
    expect(person.status).toBe(202);
    await h.double.waitForPost({ textIncludes: 'Real Person' });
    expect(logLines.join('\n')).toContain('honeypot filled: not stored');
    expect(logLines.join('\n')).not.toContain('spam.example');
  });

  it('keeps a lead whose unknown field nests too deep: the payload is cut at 10 levels and flagged', async () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 40; i++) deep = { level: deep };
    const res = await post(
      '/leads/zillow',
      JSON.stringify({ leadId: 'deep-1', contact: { first_name: 'Dee', last_name: 'Nest' }, extra: deep }),
      { 'content-type': 'application/json', authorization: `Bearer ${ZILLOW_SECRET}` },
    );
    expect(res.status).toBe(202);
    const id = await idOf(res);
    const row = taskRow(id);
    expect(row).toMatchObject({ first_name: 'Dee', last_name: 'Nest' });
    const payload = String(row.payload);
    expect(payload).toContain('nested deeper than 10 levels');
    expect(payload).not.toContain('"end"');
    expect(notesOf(id)).toContainEqual({
      field: 'payload',
      problem: 'nested deeper than 10 levels; kept to 10',
    });
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Dee Nest' }));
    expect(text).toContain('nested deeper than 10 levels; kept to 10');
  });

  it("shows a one-line address's zip once on the DM", async () => {
    const res = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=Zed+Once&phone=512-555-0171&address=12+Elm+St%2C+Austin%2C+TX+78701',
      FORM,
    );
    expect(res.status).toBe(202);
    expect(taskRow(await idOf(res))).toMatchObject({ street: '12 Elm St, Austin, TX 78701', zip: '78701' });
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Zed Once' }));
    expect(text).toContain('12 Elm St, Austin, TX 78701');
    expect(text).not.toContain('78701, 78701');
  });

  it('keeps the first of two emails or phones from a form, and flags the others as sent', async () => {
    const res = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=Two+Ways&email=a%40example.com&email=b%40example.com&phone=512-555-0173&phone=512-555-0174',
      FORM,
    );
    expect(res.status).toBe(202);
    const id = await idOf(res);
    expect(taskRow(id)).toMatchObject({ email: 'a@example.com', phone: '+15125550173' });
    expect(notesOf(id)).toEqual([
      { field: 'email', sent: 'b@example.com', problem: 'more than one email sent; the first is used' },
      { field: 'phone', sent: '512-555-0174', problem: 'more than one phone sent; the first is used' },
    ]);
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Two Ways' }));
    expect(text).toContain('more than one email sent; the first is used');
  });

  it('reads a form in the charset it declares, and names a charset it cannot read (415)', async () => {
    const latin1 = (charset: string) => ({
      'content-type': `application/x-www-form-urlencoded; charset=${charset}`,
    });
    const escaped = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=Jos%E9+Pe%F1a&phone=512-555-0175',
      latin1('latin1'),
    );
    expect(escaped.status).toBe(202);
    expect(taskRow(await idOf(escaped))).toMatchObject({ first_name: 'José', last_name: 'Peña' });
    await h.double.waitForPost({ textIncludes: 'José Peña' });
    // Bytes sent as they are, not %-escaped, in windows-1252.
    const bytes = Uint8Array.from([
      ...Buffer.from('name=In'),
      0xe9,
      ...Buffer.from('s+Ruiz&phone=512-555-0176'),
    ]);
    const plain = await post(`/leads/website/${SITE_SECRET}`, bytes, latin1('"windows-1252"'));
    expect(taskRow(await idOf(plain))).toMatchObject({ first_name: 'Inés' });
    await h.double.waitForPost({ textIncludes: 'Inés Ruiz' });
    const before = taskCount();
    const unknown = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=X&phone=512-555-0177',
      latin1('klingon'),
    );
    expect(unknown.status).toBe(415);
    expect(((await unknown.json()) as { error: string }).error).toContain('charset klingon');
    expect(taskCount()).toBe(before);
    // UTF-8, declared or not, is read as before.
    const utf8 = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=Zo%C3%AB+Li&phone=512-555-0178',
      latin1('UTF-8'),
    );
    expect(taskRow(await idOf(utf8))).toMatchObject({ first_name: 'Zoë' });
    await h.double.waitForPost({ textIncludes: 'Zoë Li' });
  });

  it('flags an address sent as a list instead of taking it as the street', async () => {
    const res = await post(
      `/leads/website/${SITE_SECRET}`,
      'name=Al+List&phone=512-555-0179&address=12+Elm+St&address=Austin+TX',
      FORM,
    );
    expect(res.status).toBe(202);
    const id = await idOf(res);
    expect(taskRow(id)).toMatchObject({ street: null });
    expect(notesOf(id)).toEqual([
      {
        field: 'address',
        sent: '["12 Elm St","Austin TX"]',
        problem: 'send an object with street, city, state, zip, or one line of text',
      },
    ]);
    const text = h.double.allText(await h.double.waitForPost({ textIncludes: 'Al List' }));
    expect(text).toContain('*Address* as sent:');
  });

  it('keeps a price it would have to guess as sent, flagged, instead of routing by $400 or $12M', async () => {
    const json = { 'content-type': 'application/json', authorization: `Bearer ${ZILLOW_SECRET}` };
    for (const [i, price, problem] of [
      [1, '300-400', 'under $10,000 with no K or M (thousands?), so not read'],
      [2, '1,2M', 'a comma that is not a thousands separator (a decimal comma?), so not read'],
    ] as const) {
      const body = { leadId: `price-${i}`, contact: { first_name: `Price${i}`, last_name: 'Guess' }, price };
      const res = await post('/leads/zillow', JSON.stringify({ ...body, phone: `512-555-018${i}` }), json);
      expect(res.status).toBe(202);
      const id = await idOf(res);
      expect(taskRow(id)).toMatchObject({ price: null, price_low: null });
      expect(notesOf(id)).toEqual([{ field: 'price', sent: price, problem }]);
      const text = h.double.allText(await h.double.waitForPost({ textIncludes: `Price${i} Guess` }));
      expect(text).toContain(`*Price* as sent: \`${price}\`, ${problem}`);
    }
  });
});
