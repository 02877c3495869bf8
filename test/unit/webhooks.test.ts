import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseDispatchConfig,
  parseDispatchConfigWithWarnings,
} from '../../src/config/load-dispatch.js';
import { EVENT_KINDS } from '../../src/core/events.js';
import { PermanentFailure, RetryLater } from '../../src/engine/outbox/outbox.js';
import { kindsFor, PUBLIC_EVENT_NAMES, publicNameOf } from '../../src/webhooks/event-names.js';
import { agentIdOf, signedHeaders, webhookSignature, webhookTask } from '../../src/webhooks/payload.js';
import { outcomeOf, WEBHOOK_MAX_ATTEMPTS } from '../../src/webhooks/topic.js';
import { task as fixtureTask } from '../support/render-fixtures.js';

const BASE = `team:
  name: Lakeside
  timezone: America/Chicago
  leaders_channel: C0LEADERS1
agents:
  - id: U0DANA001
    name: Dana
    roles: [buyer_agent]
rules:
  - name: buyers
    match: { type: buyer_lead }
    assign: { strategy: round_robin, pool: { roles: [buyer_agent] } }
webhooks:
  - name: zapier
    url: https://hooks.zapier.com/hooks/catch/1/abc
    events: [lead.received, lead.claimed]
    secret_env: ZAPIER_SECRET
`;

/** The 1-based line of the last line containing `needle`. */
const lineOf = (text: string, needle: string) =>
  text.split('\n').findLastIndex((l) => l.includes(needle)) + 1;

function problemsOf(text: string) {
  try {
    parseDispatchConfig(text, 'team/dispatch.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('webhooks in dispatch.yml', () => {
  it('reads a valid list', () => {
    expect(parseDispatchConfig(BASE).webhooks).toEqual([
      {
        name: 'zapier',
        url: 'https://hooks.zapier.com/hooks/catch/1/abc',
        events: ['lead.received', 'lead.claimed'],
        secret_env: 'ZAPIER_SECRET',
      },
    ]);
    expect(
      parseDispatchConfig(BASE.replace('lead.received, lead.claimed', 'all')).webhooks[0]?.events,
    ).toEqual(['all']);
  });

  it('refuses an unknown event name at its line', () => {
    const text = BASE.replace('lead.claimed]', 'lead.clamed]');
    expect(problemsOf(text)).toMatchObject([
      {
        path: 'webhooks[0].events[1]',
        line: lineOf(text, 'lead.clamed'),
        message: expect.stringContaining('lead.claimed'),
      },
    ]);
  });

  it('refuses an address that is not http(s) at its line', () => {
    const text = BASE.replace('https://hooks.zapier.com', 'ftp://hooks.zapier.com');
    expect(problemsOf(text)).toMatchObject([
      { path: 'webhooks[0].url', line: lineOf(text, 'ftp:'), message: 'expected an http(s) address' },
    ]);
  });

  it('refuses two webhooks with one name', () => {
    const twice = `${BASE}  - name: zapier\n    url: http://localhost:9000/x\n    events: [all]\n    secret_env: OTHER\n`;
    expect(problemsOf(twice)).toMatchObject([
      { path: 'webhooks[1].name', line: lineOf(twice, 'name: zapier') },
    ]);
  });

  it('check-config warns, at the line, when the secret variable is unset', () => {
    const { warnings } = parseDispatchConfigWithWarnings(BASE, 'dispatch.yml', () => undefined);
    expect(warnings).toMatchObject([
      {
        path: 'webhooks[0].secret_env',
        line: lineOf(BASE, 'secret_env'),
        message: expect.stringContaining('ZAPIER_SECRET is not set'),
      },
    ]);
    const set = parseDispatchConfigWithWarnings(BASE, 'dispatch.yml', () => 'a-long-enough-secret-value');
    expect(set.warnings).toEqual([]);
  });
});

describe('public event names', () => {
  it('map only known kinds, each to its own name', () => {
    for (const kind of Object.keys(PUBLIC_EVENT_NAMES)) expect(EVENT_KINDS).toContain(kind);
    const names = Object.values(PUBLIC_EVENT_NAMES);
    expect(new Set(names).size).toBe(names.length);
    expect(publicNameOf('claimed')).toBe('lead.claimed');
    expect(publicNameOf('classified')).toBeUndefined();
    expect(publicNameOf('toString')).toBeUndefined();
  });

  it('select kinds by public name, or every one for all', () => {
    expect(kindsFor(['lead.claimed', 'lead.merged'])).toEqual(new Set(['claimed', 'merged']));
    expect(kindsFor(['all']).size).toBe(Object.keys(PUBLIC_EVENT_NAMES).length);
  });
});

describe('signature', () => {
  it('is v1= and the hex HMAC-SHA256 of "<id>.<timestamp>.<body>"', () => {
    const body = '{"id":"evt_1"}';
    const expected = createHmac('sha256', 'k').update(`evt_1.1700000000.${body}`).digest('hex');
    expect(webhookSignature('k', 'evt_1', 1700000000, body)).toBe(`v1=${expected}`);
    expect(signedHeaders('k', 'evt_1', 1700000000, body)).toMatchObject({
      'webhook-id': 'evt_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1=${expected}`,
    });
    expect(webhookSignature('k', 'evt_2', 1700000000, body)).not.toBe(`v1=${expected}`);
  });
});

describe('payload', () => {
  it('names the agent an event is about', () => {
    expect(agentIdOf('system', { agentId: 'U1' })).toBe('U1');
    expect(agentIdOf('ULEADER', { assignee: 'U2' })).toBe('U2');
    expect(agentIdOf('U3', {})).toBe('U3');
    expect(agentIdOf('system', { pool: ['U1', 'U2'] })).toBeNull();
  });

  it('carries the task in snake_case with its address grouped', () => {
    const task = webhookTask(fixtureTask({ tags: ['hot'], receivedAt: new Date('2026-11-25T16:40:00Z') }));
    expect(task).toMatchObject({
      id: 7,
      first_name: 'Jane',
      address: { zip: '78701' },
      owner_id: null,
      received_at: '2026-11-25T16:40:00.000Z',
    });
  });
});

describe('what an answer means', () => {
  const at = (status: number, retryAfter: string | null = null) =>
    outcomeOf('zapier', { status, retryAfter });
  it('2xx is delivered; 429/503 with Retry-After wait that long; 408, 429, 5xx retry; other 4xx park', () => {
    expect(at(200)).toBeUndefined();
    expect(at(204)).toBeUndefined();
    const later = at(429, '30');
    expect(later).toBeInstanceOf(RetryLater);
    expect(later instanceof RetryLater && later.retryAfterSeconds).toBe(30);
    expect(at(503, '120')).toBeInstanceOf(RetryLater);
    for (const s of [408, 429, 500, 502, 503]) {
      expect(at(s)).toBeInstanceOf(Error);
      expect(at(s)).not.toBeInstanceOf(PermanentFailure);
    }
    for (const s of [400, 401, 404, 410, 301]) expect(at(s)).toBeInstanceOf(PermanentFailure);
  });

  it('gives up after about a day of the outbox backoff', () => {
    let total = 0;
    for (let attempt = 0; attempt < WEBHOOK_MAX_ATTEMPTS - 1; attempt++)
      total += Math.min(3600, 2 ** attempt);
    expect(total / 3600).toBeGreaterThan(23);
    expect(total / 3600).toBeLessThan(25);
  });
});
