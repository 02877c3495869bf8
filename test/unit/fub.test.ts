import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from '../../src/config/env.js';
import { ConfigError, loadDispatchConfig, parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { claimNote, elapsedText, refMarker } from '../../src/crm/fub/note-text.js';
import { type FubPerson, fubTags, personToLeadBody } from '../../src/crm/fub/person.js';
import { fubSignature, verifyFubSignature } from '../../src/crm/fub/signature.js';
import { readFubWebhook } from '../../src/crm/fub/webhook-body.js';
import { fubCredentials } from '../../src/crm/fub/wire.js';
import { readPostedLead } from '../../src/intake/read-lead.js';

const example = loadDispatchConfig(new URL('../../dispatch.example.yml', import.meta.url).pathname);

describe('FUB-Signature', () => {
  const body = '{"eventId":"e1","event":"peopleCreated","resourceIds":[123]}';
  // Computed outside this code (Python: hmac(key, base64(body), sha256).hexdigest()).
  const known = '92ef77547074a6be8249eead750024d7392cb11d5852ae1759b3ec30a3601293';

  it('is the hex HMAC-SHA256 of the base64 of the raw body, keyed with the system key', () => {
    expect(fubSignature(body, 'sekrit-key')).toBe(known);
    expect(verifyFubSignature(body, known, 'sekrit-key')).toBe(true);
    expect(verifyFubSignature(body, known.toUpperCase(), 'sekrit-key')).toBe(true);
  });

  it('refuses a missing, short, wrong-key or changed-body signature', () => {
    expect(verifyFubSignature(body, undefined, 'sekrit-key')).toBe(false);
    expect(verifyFubSignature(body, known.slice(2), 'sekrit-key')).toBe(false);
    expect(verifyFubSignature(body, known, 'other-key')).toBe(false);
    expect(verifyFubSignature(`${body} `, known, 'sekrit-key')).toBe(false);
    expect(verifyFubSignature(body, known, '')).toBe(false);
  });
});

describe('reading a FUB webhook', () => {
  const now = new Date('2026-11-25T16:40:00Z');
  const hook = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      eventId: 'abc',
      eventCreated: '2026-11-25T16:39:58+00:00',
      event: 'peopleCreated',
      resourceIds: [5, 5, 6],
      uri: 'https://api.followupboss.com/v1/people?id=5,6',
      ...over,
    });

  it('takes ids only, each person once', () => {
    expect(readFubWebhook(hook(), now, 3600)).toEqual({
      ok: true,
      hook: {
        eventId: 'abc',
        eventCreated: new Date('2026-11-25T16:39:58Z'),
        event: 'peopleCreated',
        resourceIds: [5, 6],
      },
    });
  });

  it('refuses stale, future and malformed bodies, saying why', () => {
    expect(readFubWebhook(hook({ eventCreated: '2026-11-25T15:39:00Z' }), now, 3600)).toEqual({
      ok: false,
      error: 'stale event: created 3660 s ago, over the replay window',
    });
    expect(readFubWebhook(hook({ eventCreated: '2026-11-25T16:50:00Z' }), now, 3600)).toEqual({
      ok: false,
      error: 'eventCreated is in the future',
    });
    expect(readFubWebhook('nope', now, 3600)).toEqual({ ok: false, error: 'the body is not JSON' });
    const noIds = readFubWebhook(hook({ resourceIds: [] }), now, 3600);
    // In plain words, not zod's ("Too small: expected array to have >=1 items").
    expect(noIds.ok ? '' : noIds.error).toBe(
      'not a Follow Up Boss webhook: resourceIds must list at least 1',
    );
  });
});

describe('a FUB person as a lead', () => {
  const person: FubPerson = {
    id: 123,
    firstName: ' Jordan ',
    lastName: 'Avery',
    source: 'Zillow',
    stage: 'Lead',
    tags: ['Buyer', 'Buyer', ''],
    price: 0,
    assignedPondId: 3,
    emails: [{ value: 'a@example.com' }, { value: 'b@example.com', isPrimary: 1 }],
    phones: [{ value: '(512) 555-0199' }],
    addresses: [{ street: '12 Elm St', city: 'Austin', state: 'TX', code: '78701' }],
  };

  it('takes names, the primary email, the first phone when none is primary, the address, and tags', () => {
    expect(personToLeadBody(person, { ponds: { '3': 'Buyers' } })).toEqual({
      source: 'Zillow',
      externalId: 'fub:123',
      firstName: 'Jordan',
      lastName: 'Avery',
      email: 'b@example.com',
      phone: '(512) 555-0199',
      tags: ['Buyer', 'stage:Lead', 'pond:3', 'pond:Buyers'],
      address: { street: '12 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
    });
  });

  it('a person with no source, price or address is still a lead from "Follow Up Boss"', () => {
    expect(personToLeadBody({ id: 9, price: 350000 }, { ponds: {} })).toEqual({
      source: 'Follow Up Boss',
      externalId: 'fub:9',
      price: 350000,
      tags: [],
    });
    expect(fubTags({ id: 9, assignedPondId: 4 }, { ponds: {} })).toEqual(['pond:4']);
  });

  it('keeps a field intake cannot read as sent and flags it, as intake does for any sender', () => {
    const body = personToLeadBody(
      { id: 1, source: 'Zillow', phones: [{ value: '555-0107', isPrimary: true }], price: 350000 },
      { ponds: {} },
    );
    const read = readPostedLead(example, body, new Date('2026-11-25T16:40:00Z'));
    expect(read.ok && read.lead).toMatchObject({
      source: 'zillow',
      externalId: 'fub:1',
      price: 350000,
      notes: [
        { field: 'phone', sent: '555-0107', problem: 'not a full number' },
        { field: 'contact', problem: 'no phone or email: no way to reach them yet' },
      ],
    });
  });
});

describe('the claim note', () => {
  it('says who claimed it and how long it waited, as a person would', () => {
    const arrived = new Date('2026-11-25T16:40:00Z');
    expect(claimNote('Dana Reyes', arrived, new Date(arrived.getTime() + 38_000))).toEqual({
      subject: 'Claimed in Slack',
      body: 'Claimed in Slack by Dana Reyes, 38 s after it arrived.',
    });
    expect([elapsedText(89), elapsedText(90), elapsedText(5340), elapsedText(7200), elapsedText(-3)]).toEqual(
      ['89 s', '2 min', '89 min', '2 h', '0 s'],
    );
    expect(elapsedText(3 * 3600 + 5 * 60)).toBe('3 h 5 min');
    expect(refMarker(12)).toBe('[lead-dispatch ref 12]');
  });
});

describe('crm.followupboss in dispatch.yml', () => {
  const base = `team: { name: T, timezone: America/Chicago, leaders_channel: C0LEADERS1 }
agents: [{ id: U0DANA001, name: Dana, roles: [buyer_agent] }]
rules: [{ name: all, assign: { strategy: agent, agent: U0DANA001 } }]
`;

  it('has safe defaults: peopleCreated and tags, leave what FUB assigned, assign and note on claim', () => {
    const config = parseDispatchConfig(`${base}crm:\n  followupboss: {}\n`, 'd.yml');
    expect(config.crm?.followupboss).toEqual({
      events: ['peopleCreated', 'peopleTagsCreated'],
      already_assigned: 'leave',
      assign_on_claim: true,
      note_on_claim: true,
      task_on_claim: false,
      task_due: 600,
      ponds: {},
      replay_window: 43200,
      default_type: 'buyer_lead',
      new_person_window: 86400,
    });
  });

  it('points at the line of a mistake, with the reason', () => {
    const text = `${base}crm:\n  followupboss:\n    already_assigned: keep\n    events: [peopleDeleted]\n`;
    let error: unknown;
    try {
      parseDispatchConfig(text, 'd.yml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => [p.path, p.line]);
    expect(problems).toEqual([
      ['crm.followupboss.already_assigned', 6],
      ['crm.followupboss.events[0]', 7],
    ]);
  });

  it('checks default_type against the known types and says plainly what a pond key should be', () => {
    const text = `${base}crm:\n  followupboss:\n    default_type: condo_lead\n    ponds: { abc: Buyers }\n`;
    let error: unknown;
    try {
      parseDispatchConfig(text, 'd.yml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => [p.path, p.line, p.message]);
    expect(problems).toEqual([
      ['crm.followupboss.default_type', 6, 'unknown type "condo_lead"'],
      ['crm.followupboss.ponds.abc', 7, 'is not a valid key: expected a pond id such as "3"'],
    ]);
  });
});

describe('FUB keys from the environment', () => {
  const base = {
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_SIGNING_SECRET: 'abcdef0123456789',
    INTAKE_TOKEN: 'an-intake-secret-0123',
  };

  it('names every missing key at once when dispatch.yml connects Follow Up Boss', () => {
    let error: unknown;
    try {
      fubCredentials(readEnv({ ...base, FUB_API_KEY: 'fka_0123456789' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).problems).toEqual([
      'FUB_SYSTEM is required because dispatch.yml has a crm.followupboss section',
      'FUB_SYSTEM_KEY is required because dispatch.yml has a crm.followupboss section',
    ]);
  });

  it('takes the base URL with a trailing slash', () => {
    const env = readEnv({
      ...base,
      FUB_API_KEY: 'fka_0123456789',
      FUB_SYSTEM: 'Sys',
      FUB_SYSTEM_KEY: 'system-key-0123',
      FUB_API_URL: 'http://127.0.0.1:9/v1',
    });
    expect(fubCredentials(env).baseUrl).toBe('http://127.0.0.1:9/v1/');
  });
});
