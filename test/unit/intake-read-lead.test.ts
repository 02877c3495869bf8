import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TYPES } from '../../src/config/dispatch-schema.js';
import { parsePath, readPath } from '../../src/core/field-path.js';
import { readAddress, readPhone, readZip, splitName } from '../../src/core/lead-fields.js';
import { readPrice, readPriceText } from '../../src/core/price-text.js';
import { intakeRoute } from '../../src/intake/auth.js';
import { formFields } from '../../src/intake/parse-body.js';
import { type Lead, readLead } from '../../src/intake/read-lead.js';

const TYPES = [...BUILT_IN_TYPES];
const NOW = new Date('2026-11-25T16:40:00Z');

function read(body: unknown, options: Partial<Parameters<typeof readLead>[1]> = {}): Lead {
  const result = readLead(body, { knownTypes: TYPES, now: NOW, ...options });
  if (!result.ok) throw new Error(`expected a lead: ${JSON.stringify(result.issues)}`);
  return result.lead;
}

describe('dotted paths into a sender body', () => {
  const body = {
    contact: { first_name: 'Jane' },
    phones: [{ value: '512-555-0142' }],
    cell_phone_1: '5125550199',
  };

  it.each([
    ['contact.first_name', 'Jane'],
    ['phones[0].value', '512-555-0142'],
    ['cell_phone_1', '5125550199'],
    ['phones[3].value', undefined],
    ['contact.first_name.more', undefined],
  ])('%s reads %j', (path, value) => {
    expect(readPath(body, path)).toBe(value);
  });

  it('finds a flat form field whose name has the dots', () => {
    expect(readPath({ 'contact.first_name': 'Jane' }, 'contact.first_name')).toBe('Jane');
  });

  it.each(['', 'a..b', 'a[', 'a[x]', '.a', 'a.'])('refuses %j as a path', (path) => {
    expect(parsePath(path)).toBeUndefined();
  });

  it('never throws, whatever the path and body', () => {
    fc.assert(
      fc.property(fc.string(), fc.anything(), (path, anyBody) => {
        readPath(anyBody, path);
      }),
    );
  });
});

describe('prices as people write them', () => {
  it.each([
    ['450K', { price: 450_000 }],
    ['$450k', { price: 450_000 }],
    ['$1.2M', { price: 1_200_000 }],
    ['$450,000', { price: 450_000 }],
    ['$400-450k', { price: 450_000, low: 400_000 }],
    ['$400K–$450K', { price: 450_000, low: 400_000 }],
    ['400k to 450k', { price: 450_000, low: 400_000 }],
    ['up to 500k', { price: 500_000 }],
    [325_000, { price: 325_000 }],
  ])('reads %j', (sent, expected) => {
    expect(readPrice(sent)).toEqual(expected);
  });

  it.each(['lots', '', 'call me', '3 beds 450k', '$2,000,000,000', 0, -5, '1-2-3'])(
    'cannot read %j',
    (sent) => {
      expect(readPrice(sent)).toBeUndefined();
      expect(readPriceText(sent)).toEqual({ ok: false, problem: 'not an amount we can read' });
    },
  );

  // "300-400" is almost surely $300K–$400K, but a guess routes a lead by a price nobody sent.
  it.each(['300-400', '1-2', '$900-1.2M', '5000', 5000, '$9,500', '300K-400'])(
    'keeps %j as sent: a bare amount under $10,000 may mean thousands',
    (sent) => {
      expect(readPriceText(sent)).toEqual({
        ok: false,
        problem: 'under $10,000 with no K or M (thousands?), so not read',
      });
    },
  );

  it.each(['1,2M', '1,25', '$450,00', '1,2,3'])('keeps %j as sent: a decimal comma is not $12M', (sent) => {
    expect(readPriceText(sent)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('decimal comma'),
    });
  });

  it('flags any bare amount under $10,000, and reads it with a K', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999 }), fc.integer({ min: 1, max: 9_999 }), (a, b) => {
        expect(readPrice(String(a))).toBeUndefined();
        expect(readPrice(`${a}-${b}`)).toBeUndefined();
        expect(readPrice(`${a}k`)?.price).toBe(a * 1000);
      }),
    );
  });

  it('reads any whole-dollar amount from $10,000 written plainly, with commas, or in thousands', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 1_000_000 }), (n) => {
        expect(readPrice(String(n))?.price).toBe(n);
        expect(readPrice(`$${n.toLocaleString('en-US')}`)?.price).toBe(n);
        expect(readPrice(`${n}K`)?.price).toBe(n * 1000);
      }),
    );
  });

  it('reads a band with its lower end first, whichever order it was sent in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 999 }), (a, b) => {
        const band = readPrice(`$${a}k-${b}k`);
        expect(band?.price).toBe(Math.max(a, b) * 1000);
        if (a !== b) expect(band?.low).toBe(Math.min(a, b) * 1000);
      }),
    );
  });
});

describe('the other field readers', () => {
  it('keeps a short phone as sent and says why', () => {
    expect(readPhone('555-0107')).toEqual({
      note: { field: 'phone', sent: '555-0107', problem: 'not a full number' },
    });
    expect(readPhone('(512) 555-0142')).toEqual({ value: '+15125550142' });
  });

  it('reads a zip sent as a number, leading zero lost', () => {
    expect(readZip(2134)).toEqual({ value: '02134' });
    expect(readZip('7870').note?.problem).toBe('not a US zip code');
  });

  it('keeps a one-line address as one line, its zip pulled out', () => {
    expect(readAddress('12 Elm St, Austin, TX 78701')).toEqual({
      value: { street: '12 Elm St, Austin, TX 78701', zip: '78701' },
      notes: [],
    });
  });

  it("explains an address it cannot read in the sender's words, not YAML's", () => {
    const { notes } = readAddress(42);
    expect(notes[0]?.problem).toBe('send an object with street, city, state, zip, or one line of text');
    expect(notes[0]?.problem).not.toContain('mapping');
  });

  it.each([
    ['Jane Buyer', { firstName: 'Jane', lastName: 'Buyer' }],
    ['Jane Q. Buyer', { firstName: 'Jane', lastName: 'Q. Buyer' }],
    ['Buyer, Jane', { firstName: 'Jane', lastName: 'Buyer' }],
    ['Cher', { firstName: 'Cher' }],
  ])('splits the name %j', (name, parts) => {
    expect(splitName(name)).toEqual(parts);
  });
});

describe('readLead', () => {
  it('reads common field names without a mapping', () => {
    const lead = read({
      source: 'web',
      lead_id: 'w-1',
      name: 'Jane Buyer',
      phoneNumber: '(512) 555-0142',
      emailAddress: 'Jane@Example.com',
      zipcode: '78701',
    });
    expect(lead).toMatchObject({
      externalId: 'w-1',
      firstName: 'Jane',
      lastName: 'Buyer',
      phone: '+15125550142',
      email: 'jane@example.com',
      zip: '78701',
      notes: [],
    });
  });

  it('reads a Zillow-style body: leadId and a nested contact', () => {
    const lead = read(
      {
        leadId: 'zl-9',
        contact: { firstName: 'Ana', lastName: 'Ruiz', phone: '512 555 0101', email: 'ana@example.com' },
      },
      { source: 'zillow' },
    );
    expect(lead).toMatchObject({
      source: 'zillow',
      externalId: 'zl-9',
      firstName: 'Ana',
      phone: '+15125550101',
    });
  });

  it('follows a mapping first, and takes the primary of a list of phones', () => {
    const lead = read(
      {
        ref: 'k-1',
        person: { given: 'Lu' },
        phones: [{ value: '512-555-0100' }, { value: '512-555-0142', isPrimary: true }],
      },
      { source: 'kvcore', fields: { externalId: 'ref', firstName: 'person.given' } },
    );
    expect(lead).toMatchObject({ externalId: 'k-1', firstName: 'Lu', phone: '+15125550142' });
  });

  it('keeps every unreadable optional field as sent, flags it, and still takes the lead', () => {
    const lead = read({
      source: 'zillow',
      externalId: 'z-1',
      phone: '555-0107',
      email: 'jane-at-example',
      price: 'call me',
      address: 42,
      type: 'condo_lead',
      receivedAt: 'yesterday',
    });
    expect(lead.notes.map((n) => n.field)).toEqual([
      'type',
      'email',
      'phone',
      'address',
      'price',
      'receivedAt',
      'contact',
    ]);
    expect(lead.notes.find((n) => n.field === 'phone')).toEqual({
      field: 'phone',
      sent: '555-0107',
      problem: 'not a full number',
    });
    expect(lead.type).toBeUndefined();
  });

  it.each([
    ['Buyer', 'buyer_lead'],
    ['Seller Lead', 'seller_lead'],
    ['buyer-lead', 'buyer_lead'],
    ['Referral', 'referral'],
  ])('reads the type %j as %s', (type, expected) => {
    expect(read({ source: 's', externalId: '1', type, email: 'a@b.co' }).type).toBe(expected);
  });

  it('warns about a lead with no phone and no email, but not about a deal task', () => {
    expect(read({ source: 's', externalId: '1' }).notes).toEqual([
      { field: 'contact', problem: 'no phone or email: no way to reach them yet' },
    ]);
    expect(read({ source: 'dotloop', externalId: '2' }, { sourceType: 'contract_milestone' }).notes).toEqual(
      [],
    );
  });

  it('refuses only what is not a lead, in words the sender knows', () => {
    const refused = readLead({ firstName: 'Jane' }, { knownTypes: TYPES, now: NOW });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.issues.map((i) => i.path)).toEqual(['source', 'externalId']);
    expect(readLead('source=zillow', { knownTypes: TYPES, now: NOW })).toEqual({
      ok: false,
      issues: [{ path: '(body)', message: 'must be a JSON object or a form' }],
    });
  });

  it('makes an id for a form that sends none, the same for the same form the same day', () => {
    const form = { source: 'site', name: 'Jane', email: 'jane@example.com' };
    const a = read(form, { deriveId: true });
    expect(a.externalId).toMatch(/^form-2026-11-25-[0-9a-f]{12}$/);
    expect(read({ ...form }, { deriveId: true }).externalId).toBe(a.externalId);
    expect(read({ ...form, name: 'Janet' }, { deriveId: true }).externalId).not.toBe(a.externalId);
  });

  it('never throws, and takes any body that names its source and id', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything({ maxDepth: 3 })), (extra) => {
        const result = readLead(
          { ...extra, source: 'zillow', externalId: 'z-1' },
          { knownTypes: TYPES, now: NOW },
        );
        expect(result.ok).toBe(true);
      }),
    );
  });

  it('reads a form body, a repeated field becoming a list', () => {
    const body = formFields('source=site&lead_id=7&name=Jane+Buyer&tags=a&tags=b&__proto__=x');
    expect(read(body)).toMatchObject({ externalId: '7', firstName: 'Jane', tags: ['a', 'b'] });
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });
});

describe('which intake endpoint a URL is', () => {
  it.each([
    ['/leads', { kind: 'global' }],
    ['/leads/', { kind: 'global' }],
    ['/leads/zillow', { kind: 'source', source: 'zillow' }],
    ['/leads/Zillow%20Premier%20Agent?x=1', { kind: 'source', source: 'Zillow Premier Agent' }],
    ['/leads/website/s3cret', { kind: 'secret-in-path', source: 'website', secret: 's3cret' }],
    ['/leads/a/b/c', undefined],
    ['/leadsx', undefined],
    ['/leads/%E0%A4%A', undefined],
  ])('%s', (url, route) => {
    expect(intakeRoute(url)).toEqual(route);
  });
});
