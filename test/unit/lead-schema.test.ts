import { describe, expect, it } from 'vitest';
import { isMergeable, sameContact } from '../../src/core/contact.js';
import { type LeadIssue, validateLead } from '../../src/intake/lead-schema.js';

const TYPES = [
  'buyer_lead',
  'seller_lead',
  'referral',
  'vendor_coordination',
  'contract_milestone',
  'post_close',
  'relocation',
];
const NOW = new Date('2026-03-10T15:00:00Z');

const minimal = { source: 'zillow', externalId: 'Z-1001' };

function accepted(body: Record<string, unknown>) {
  const result = validateLead({ ...minimal, ...body }, TYPES, NOW);
  if (!result.ok) throw new Error(`expected the lead to be accepted: ${JSON.stringify(result.issues)}`);
  return result.lead;
}

function rejected(body: unknown): LeadIssue[] {
  const result = validateLead(body, TYPES, NOW);
  if (result.ok) throw new Error('expected the lead to be rejected');
  return result.issues;
}

describe('validateLead', () => {
  it('accepts a full lead from a portal and keeps every field', () => {
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
    });
  });

  it('accepts the bare minimum: a source and an external id', () => {
    expect(accepted({})).toEqual(minimal);
  });

  it('reads a numeric external id as text', () => {
    expect(accepted({ externalId: 98_765 }).externalId).toBe('98765');
  });

  it('keeps fields it does not know in the payload rather than rejecting the lead', () => {
    expect(accepted({ crmScore: 87 })).toMatchObject({ crmScore: 87 });
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

  it.each(['555-0143', '123', 'call me', '(000) 555-0143'])('rejects the phone %j', (phone) => {
    expect(rejected({ ...minimal, phone })).toEqual([
      { path: 'phone', message: 'must be a valid phone number, such as (512) 555-0100 or +15125550100' },
    ]);
  });

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

  it.each(['', 'lots', '$-5', 0, -100, 1e20, '$2,000,000,000'])('rejects the price %j', (price) => {
    expect(rejected({ ...minimal, price })).toEqual([
      { path: 'price', message: 'must be a positive amount in dollars up to $1 billion, such as 450000' },
    ]);
  });

  it.each([
    ['78701', '78701'],
    ['78701-1234', '78701'],
    [' 78701 ', '78701'],
    [78701, '78701'],
  ])('reads the zip %j as %s', (zip, expected) => {
    expect(accepted({ zip }).zip).toBe(expected);
    expect(accepted({ address: { zip } }).address?.zip).toBe(expected);
  });

  it.each(['7870', '787011', 'ABCDE', '78701-12'])('rejects the zip %j', (zip) => {
    expect(rejected({ ...minimal, zip })).toEqual([
      { path: 'zip', message: 'must be a US zip code such as 78701 or 78701-1234' },
    ]);
  });

  it.each(['dana@lakeside.example', 'U0DANA001', 'W0ENTERPRISE1'])(
    'accepts %j as the referring agent',
    (ref) => {
      expect(accepted({ referringAgent: ref }).referringAgent).toBe(ref);
    },
  );

  it('rejects a referring agent that is neither an email nor a Slack user id', () => {
    expect(rejected({ ...minimal, referringAgent: 'Dana Reyes' })).toEqual([
      { path: 'referringAgent', message: 'must be an email or a Slack user id' },
    ]);
  });

  it('rejects a type the config does not know, listing the ones it does', () => {
    expect(rejected({ ...minimal, type: 'condo_lead' })).toEqual([
      { path: 'type', message: `must be one of ${TYPES.join(', ')}` },
    ]);
  });

  it('accepts a type the config adds', () => {
    expect(accepted({ type: 'relocation' }).type).toBe('relocation');
  });

  it('accepts a receivedAt in the past or within five minutes of clock skew', () => {
    expect(accepted({ receivedAt: '2026-03-09T10:00:00-06:00' }).receivedAt).toBe(
      '2026-03-09T10:00:00-06:00',
    );
    expect(accepted({ receivedAt: '2026-03-10T15:04:00Z' }).receivedAt).toBe('2026-03-10T15:04:00Z');
  });

  it('rejects a receivedAt in the future', () => {
    expect(rejected({ ...minimal, receivedAt: '2026-03-10T16:00:00Z' })).toEqual([
      { path: 'receivedAt', message: 'must not be in the future' },
    ]);
  });

  it('rejects a receivedAt that is not an ISO 8601 time', () => {
    expect(rejected({ ...minimal, receivedAt: 'yesterday at 5' })).toEqual([
      {
        path: 'receivedAt',
        message:
          'must be an ISO 8601 time with its zone, such as 2026-11-25T14:03:00Z or 2026-11-25T08:03:00-06:00',
      },
    ]);
  });

  it('names the two required fields when they are missing', () => {
    expect(rejected({})).toEqual([
      { path: 'source', message: 'is required' },
      { path: 'externalId', message: 'is required: the id of this lead in the sending system' },
    ]);
  });

  it('reports every bad field at once, each with its path', () => {
    const issues = rejected({
      source: '',
      externalId: '   ',
      type: 'condo_lead',
      email: 'maria-at-example',
      phone: '12',
      zip: '7870',
      address: { city: 'Austin', zip: 'Austin' },
      price: 'call',
      tags: ['ok', 'x'.repeat(65)],
      message: 'x'.repeat(5001),
      referringAgent: 'Dana',
      receivedAt: '2026-03-11T00:00:00Z',
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'source',
        'externalId',
        'type',
        'email',
        'phone',
        'zip',
        'address.zip',
        'price',
        'tags.1',
        'message',
        'referringAgent',
        'receivedAt',
      ].sort(),
    );
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
    expect(issues.find((i) => i.path === 'message')?.message).toBe('must be at most 5000 characters');
  });

  it.each([
    ['null', null],
    ['an array', [minimal]],
    ['a string', 'source=zillow'],
    ['a number', 42],
  ])('rejects %s as the body', (_label, body) => {
    expect(rejected(body)).toEqual([{ path: '(body)', message: 'must be a JSON object' }]);
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
