// Our own field names read by readLead, the one reading `POST /leads` and `simulate` share. These
// were once the strict schema's tests: what it refused over an optional field is now kept and flagged.
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TYPES } from '../../src/config/dispatch-schema.js';
import { isMergeable, sameContact } from '../../src/core/contact.js';
import type { IntakeNote } from '../../src/core/lead-fields.js';
import type { LeadIssue } from '../../src/intake/body-shape.js';
import { type Lead, readLead } from '../../src/intake/read-lead.js';

const TYPES = [...BUILT_IN_TYPES, 'relocation'];
const NOW = new Date('2026-03-10T15:00:00Z');

const minimal = { source: 'zillow', externalId: 'Z-1001' };

function read(body: unknown) {
  return readLead(body, { knownTypes: TYPES, now: NOW });
}

/** Read with nothing flagged (but "no phone or email", which most of these bodies lack on purpose). */
function accepted(body: Record<string, unknown>): Lead {
  const result = read({ ...minimal, ...body });
  if (!result.ok) throw new Error(`expected the lead to be accepted: ${JSON.stringify(result.issues)}`);
  const flagged = result.lead.notes.filter((n) => n.field !== 'contact');
  if (flagged.length > 0) throw new Error(`expected nothing flagged: ${JSON.stringify(flagged)}`);
  return result.lead;
}

/** Still taken, with the unreadable fields kept as sent and flagged. */
function flagged(body: Record<string, unknown>): IntakeNote[] {
  const result = read({ ...minimal, ...body });
  if (!result.ok) throw new Error(`expected the lead to be taken: ${JSON.stringify(result.issues)}`);
  return result.lead.notes.filter((n) => n.field !== 'contact');
}

function rejected(body: unknown): LeadIssue[] {
  const result = read(body);
  if (result.ok) throw new Error('expected the request to be refused');
  return result.issues;
}

describe('readLead, our own field names', () => {
  it('takes a full lead from a portal and keeps every field', () => {
    const lead = accepted({
      type: 'buyer_lead',
      firstName: 'Maria',
      lastName: 'Lopez',
      email: 'maria@example.com',
      phone: '(512) 555-0143',
      address: { street: '12 Rainey St', city: 'Austin', state: 'TX', zip: '78701' },
      price: 450_000,
      message: 'Can I see it Saturday?',
      tags: ['first-time'],
      referringAgent: 'U0DANA001',
      receivedAt: '2026-03-10T14:58:00Z',
    });
    expect(lead).toMatchObject({
      source: 'zillow',
      externalId: 'Z-1001',
      firstName: 'Maria',
      phone: '+15125550143',
      address: { city: 'Austin', zip: '78701' },
      price: 450_000,
      referringAgent: 'U0DANA001',
      notes: [],
    });
  });

  it('takes the bare minimum, a source and an external id, and warns there is no way to reach them', () => {
    const result = read(minimal);
    expect(result).toMatchObject({ ok: true, lead: { ...minimal, payload: minimal } });
    expect(result.ok && result.lead.notes).toEqual([
      { field: 'contact', problem: 'no phone or email: no way to reach them yet' },
    ]);
  });

  it('reads a numeric external id as text', () => {
    expect(accepted({ externalId: 98_765 }).externalId).toBe('98765');
  });

  it('keeps fields it does not know in the stored payload rather than refusing the lead', () => {
    expect(accepted({ crmScore: 87 }).payload).toMatchObject({ crmScore: 87 });
  });

  it.each([
    '(512) 555-0143',
    '512-555-0143',
    '512.555.0143',
    '512 555 0143',
    '5125550143',
    '1-512-555-0143',
    '+1 512 555 0143',
    '+1 (512) 555-0143',
    '  512-555-0143  ',
  ])('normalises the US phone %j to E.164', (phone) => {
    expect(accepted({ phone }).phone).toBe('+15125550143');
  });

  it.each(['555-0143', '123', 'call me', '(000) 555-0143'])(
    'keeps the phone %j as sent, flagged',
    (phone) => {
      expect(flagged({ phone })).toEqual([
        {
          field: 'phone',
          sent: phone,
          problem: expect.stringMatching(/^not a (full number|number we can dial)$/),
        },
      ]);
    },
  );

  it('lower-cases and trims the email', () => {
    expect(accepted({ email: '  Maria.Lopez@Example.COM ' }).email).toBe('maria.lopez@example.com');
  });

  it.each([
    ['$450,000', 450_000],
    ['450000', 450_000],
    ['$ 1,250,000', 1_250_000],
    ['399999.6', 400_000],
    [325_000, 325_000],
  ])('reads the price %j as %i dollars', (price, dollars) => {
    expect(accepted({ price }).price).toBe(dollars);
  });

  it.each(['lots', '$-5', 0, -100, 1e20, '$2,000,000,000'])(
    'keeps the price %j as sent, flagged',
    (price) => {
      expect(flagged({ price })).toEqual([
        { field: 'price', sent: String(price), problem: 'not an amount we can read' },
      ]);
    },
  );

  it.each([
    ['78701', '78701'],
    ['78701-1234', '78701'],
    [' 78701 ', '78701'],
    [78701, '78701'],
  ])('reads the zip %j as %s', (zip, expected) => {
    expect(accepted({ zip }).zip).toBe(expected);
    expect(accepted({ address: { zip } }).address?.zip).toBe(expected);
  });

  it.each(['7870', '787011', 'ABCDE', '78701-12'])('keeps the zip %j as sent, flagged', (zip) => {
    expect(flagged({ zip })).toEqual([{ field: 'zip', sent: zip, problem: 'not a US zip code' }]);
  });

  it.each(['dana@lakeside.example', 'U0DANA001', 'W0ENTERPRISE1'])(
    'takes %j as the referring agent',
    (ref) => {
      expect(accepted({ referringAgent: ref }).referringAgent).toBe(ref);
    },
  );

  it('flags a referring agent that is neither an email nor a Slack user id', () => {
    expect(flagged({ referringAgent: 'Dana Reyes' })).toEqual([
      { field: 'referringAgent', sent: 'Dana Reyes', problem: "not an agent's email or Slack id" },
    ]);
  });

  it('classifies a type the config does not know by its source, and flags it', () => {
    expect(flagged({ type: 'condo_lead' })).toEqual([
      { field: 'type', sent: 'condo_lead', problem: 'not a type we know; classified by its source' },
    ]);
  });

  it('takes a type the config adds', () => {
    expect(accepted({ type: 'relocation' }).type).toBe('relocation');
  });

  it('takes a receivedAt in the past or within five minutes of clock skew', () => {
    expect(accepted({ receivedAt: '2026-03-09T10:00:00-06:00' }).receivedAt).toBe(
      '2026-03-09T10:00:00-06:00',
    );
    expect(accepted({ receivedAt: '2026-03-10T15:04:00Z' }).receivedAt).toBe('2026-03-10T15:04:00Z');
  });

  it('uses the time of arrival for a receivedAt in the future or not a time, and says so', () => {
    expect(flagged({ receivedAt: '2026-03-10T16:00:00Z' })).toEqual([
      {
        field: 'receivedAt',
        sent: '2026-03-10T16:00:00Z',
        problem: 'in the future; the time it arrived is used',
      },
    ]);
    expect(flagged({ receivedAt: 'yesterday at 5' })).toEqual([
      {
        field: 'receivedAt',
        sent: 'yesterday at 5',
        problem: 'not a time with its zone; the time it arrived is used',
      },
    ]);
  });

  it('names the two required fields when they are missing or blank', () => {
    const both = [
      { path: 'source', message: 'is required, e.g. "zillow" (or post to /leads/<source>)' },
      {
        path: 'externalId',
        message: 'is required: the id of this lead in the sending system (externalId, leadId, lead_id or id)',
      },
    ];
    expect(rejected({})).toEqual(both);
    expect(rejected({ source: '', externalId: '   ' })).toEqual(both);
  });

  it('takes a lead with every optional field wrong, flagging each and keeping the rest', () => {
    const notes = flagged({
      type: 'condo_lead',
      email: 'maria-at-example',
      phone: '12',
      zip: '7870',
      address: { city: 'Austin', zip: 'Austin' },
      price: 'call',
      message: 'x'.repeat(5001),
      referringAgent: 'Dana',
      receivedAt: '2026-03-11T00:00:00Z',
    });
    expect(notes.map((n) => n.field).sort()).toEqual(
      [
        'type',
        'email',
        'phone',
        'zip',
        'address.zip',
        'price',
        'message',
        'referringAgent',
        'receivedAt',
      ].sort(),
    );
    for (const note of notes) expect(note.problem.length).toBeGreaterThan(0);
    expect(notes.find((n) => n.field === 'message')?.problem).toBe('cut at 5,000 characters');
  });

  it.each([
    ['null', null],
    ['an array', [minimal]],
    ['a string', 'source=zillow'],
    ['a number', 42],
  ])('refuses %s as the body', (_label, body) => {
    expect(rejected(body)).toEqual([{ path: '(body)', message: 'must be a JSON object or a form' }]);
  });
});

describe('the same person, however the source formats them (duplicate detection compares these)', () => {
  it.each([
    ['+1 (512) 555-0100', '512.555.0100'],
    ['(512) 555-0100', '+15125550100'],
    ['512-555-0100', '1 512 555 0100'],
  ])('phone %s is the same as %s', (a, b) => {
    expect(accepted({ phone: a }).phone).toBe(accepted({ phone: b }).phone);
    expect(accepted({ phone: a }).phone).toBe('+15125550100');
  });

  it('is matched on phone first, then email, and deal tasks are never repeats', () => {
    const zillow = accepted({ phone: '+1 (512) 555-0100', email: 'Jane@Example.com' });
    const realtor = accepted({ phone: '512.555.0100' });
    const byEmail = accepted({ email: 'jane@example.com' });
    expect(sameContact(realtor, zillow)).toBe('phone');
    expect(sameContact(byEmail, zillow)).toBe('email');
    expect(sameContact(accepted({ phone: '512.555.0199' }), zillow)).toBeUndefined();
    expect(isMergeable('buyer_lead')).toBe(true);
    expect(isMergeable('relocation')).toBe(true);
    expect(isMergeable('contract_milestone')).toBe(false);
  });

  it('Dana@Example.com is the same as dana@example.com', () => {
    expect(accepted({ email: 'Dana@Example.com' }).email).toBe(
      accepted({ email: ' dana@example.com ' }).email,
    );
  });

  it.each([
    ['es', 'spanish'],
    ['Spanish', 'spanish'],
    ['spa', 'spanish'],
    ['vi', 'vietnamese'],
    ['Tagalog', 'tagalog'],
    ['Español', 'spanish'],
    ['Tiếng Việt', 'vietnamese'],
    ['Português', 'portuguese'],
  ])('language %s is stored as %s', (given, stored) => {
    expect(accepted({ language: given }).language).toBe(stored);
  });
});
