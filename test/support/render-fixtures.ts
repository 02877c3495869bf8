import type { Availability } from '../../src/core/availability.js';
import { parseEvent, type ReadEvent } from '../../src/core/events.js';
import type {
  AgentRow,
  EscalationRow,
  OfferRow,
  PondPostRow,
  TaskRow,
  TaskViewRow,
} from '../../src/db/schema.js';
import type { HomeData } from '../../src/dispatch/home.js';
import type { TeamMemberStatus } from '../../src/dispatch/team-status.js';
import type { EscalationView } from '../../src/slack/blocks/escalation-message.js';
import type { OfferView } from '../../src/slack/blocks/offer-message.js';
import type { TaskViewView } from '../../src/slack/blocks/task-copy-message.js';

/**
 * Rows as the database holds them, for rendering messages and views without a database: one
 * builder per table with plain defaults (a Zillow buyer lead offered to Dana), overridable per test.
 */

/** Wednesday 10:40 AM in Austin. */
export const NOW = new Date('2026-11-25T16:40:00Z');
export const ZONE = 'America/Chicago';
export const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

export function task(overrides: Partial<TaskRow> = {}): TaskRow {
  return {
    id: 7,
    source: 'zillow',
    externalId: 'z-7',
    type: 'buyer_lead',
    status: 'offered',
    firstName: 'Jane',
    lastName: 'Buyer',
    email: 'jane@example.com',
    phone: '+15125550142',
    street: '12 Elm St',
    city: 'Austin',
    state: 'TX',
    zip: '78701',
    price: 450_000,
    priceLow: null,
    message: 'Can I see it Saturday? <3 bedrooms & a yard>',
    referringAgent: null,
    language: null,
    tags: [],
    payload: {},
    intakeNotes: [],
    receivedAt: at(-3),
    createdAt: at(-3),
    ruleName: 'portal-buyer-lead',
    chain: [{ agentId: 'U0DANA', reason: 'round robin' }],
    sla: { kind: 'duration', seconds: 300, clock: 'always' },
    liveOfferId: 1,
    heldUntil: null,
    ownerId: null,
    claimedAt: null,
    manualReview: false,
    contactSlaSeconds: null,
    contactDueAt: null,
    contactRemindedAt: null,
    contactedAt: null,
    contactClock: null,
    contactThen: null,
    duplicateOf: null,
    crmPerson: null,
    firstDmAt: null,
    pauseId: null,
    detailsRemovedAt: null,
    ...overrides,
  };
}

/** The longest lead a form could send: every text at its worst, and every character that needs escaping. */
export const WORST = task({
  firstName: `${'<&>'.repeat(300)}Jane`,
  lastName: 'B'.repeat(2000),
  street: '&'.repeat(2500),
  city: 'Austin'.repeat(100),
  message: `${'<b>&amp;\n'.repeat(800)}`,
  referringAgent: 'R'.repeat(3000),
  language: 'español',
  source: 's'.repeat(300),
  type: 't'.repeat(300),
  ruleName: 'r'.repeat(500),
});

/** A lead intake kept with flags: unreadable fields as sent, a price band, nobody to call. */
export const FLAGGED = task({
  phone: null,
  email: null,
  street: '12 Elm St, Austin TX 78701',
  city: null,
  state: null,
  price: 450_000,
  priceLow: 400_000,
  intakeNotes: [
    { field: 'phone', sent: '555-0107', problem: 'not a full number' },
    { field: 'email', sent: 'jane-at-example', problem: 'not an email address' },
    { field: 'type', sent: 'condo_lead', problem: 'not a type we know; classified by its source' },
    { field: 'message', problem: 'cut at 5,000 characters' },
    { field: 'contact', problem: 'no phone or email: no way to reach them yet' },
  ],
});

/** The most a renderer could be handed: many notes, each long and full of mrkdwn control characters. */
export const WORST_FLAGGED = task({
  ...WORST,
  priceLow: 1,
  price: 1_000_000_000,
  intakeNotes: Array.from({ length: 40 }, (_, i) => ({
    field: i % 2 ? 'phone' : '<&>'.repeat(40),
    sent: '<&>`*_~'.repeat(60),
    problem: '&'.repeat(300),
  })),
});

export function offer(overrides: Partial<OfferRow> = {}): OfferRow {
  return {
    id: 1,
    taskId: 7,
    agentId: 'U0DANA',
    pool: null,
    poolChannel: null,
    position: 0,
    status: 'live',
    reason: 'round robin, covers 78701',
    offeredAt: at(-2),
    deadline: at(3),
    resolvedAt: null,
    passReason: null,
    pond: false,
    idleAt: null,
    dmChannel: 'D00000001',
    dmTs: '1.000100',
    dmPostedAt: at(-2),
    version: 1,
    renderedVersion: 0,
    attempts: 0,
    retryAt: null,
    postAttemptAt: null,
    ...overrides,
  };
}

export const DANA: AgentRow = {
  id: 'U0DANA',
  name: 'Dana Reyes',
  email: null,
  roles: ['buyer_agent'],
  zips: ['78701'],
  cities: [],
  languages: [],
  priceMin: null,
  priceMax: null,
  weight: 1,
  active: true,
  inConfig: true,
  timezone: ZONE,
  slackTimezone: null,
  syncedAt: NOW,
  homeOpenedAt: null,
};

export function offerView(t: TaskRow, o: Partial<OfferRow>, more: Partial<OfferView> = {}): OfferView {
  return {
    task: t,
    offer: offer(o),
    agent: DANA,
    zone: ZONE,
    successor: { kind: 'agent', name: 'Ivy Chen' },
    history: [],
    repeats: [],
    now: NOW,
    ...more,
  };
}

export function escalation(overrides: Partial<EscalationRow> = {}): EscalationRow {
  return {
    id: 3,
    taskId: 7,
    reason: 'Nobody claimed it: the chain ran out.',
    createdAt: at(-1),
    channel: 'C0LEADERS1',
    ts: '1.000200',
    version: 1,
    renderedVersion: 0,
    attempts: 0,
    retryAt: null,
    postAttemptAt: null,
    announcedAt: at(-1),
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    assignee: null,
    ...overrides,
  };
}

export const NAMES = {
  U0DANA: 'Dana Reyes',
  U0IVY: 'Ivy Chen',
  U0MARCO: 'Marco Silva',
  U0LEAD: 'Lee Leader',
};
export const TRIED = [
  { offer: offer({ status: 'passed', resolvedAt: at(-2) }), agent: DANA },
  {
    offer: offer({ id: 2, agentId: 'U0IVY', status: 'expired', resolvedAt: at(-1) }),
    agent: { ...DANA, id: 'U0IVY', name: 'Ivy Chen' },
  },
  {
    offer: offer({
      id: 4,
      agentId: null,
      pool: Array.from({ length: 40 }, (_, i) => `U${i}`),
      status: 'expired',
    }),
    agent: null,
  },
];

export function escalationView(t: TaskRow, e: Partial<EscalationRow>, tried = TRIED): EscalationView {
  return { escalation: escalation(e), task: t, tried, names: NAMES, zone: ZONE, now: NOW };
}

export function taskView(
  t: TaskRow,
  v: Partial<TaskViewRow>,
  o: OfferRow | undefined,
  live?: OfferRow,
): TaskViewView {
  const view: TaskViewRow = {
    id: 5,
    taskId: t.id,
    offerId: o?.id ?? null,
    kind: 'watcher',
    recipient: 'U0LEAD',
    via: 'dm',
    channel: null,
    ts: null,
    createdAt: at(-3),
    version: 1,
    renderedVersion: 0,
    attempts: 0,
    retryAt: null,
    postAttemptAt: null,
    ...v,
  };
  return { view, task: t, offer: o, live, names: NAMES, zone: ZONE, now: NOW };
}

export const POOL = offer({
  id: 9,
  agentId: null,
  pool: ['U0DANA', 'U0IVY', 'U0MARCO'],
  reason: 'first to claim',
});

/** An event row as the timeline reads it: parsed by its kind's schema, as `readTaskEvents` does. */
export function event(id: number, kind: string, detail: Record<string, unknown> = {}): ReadEvent {
  return parseEvent({ id, taskId: 7, offerId: null, kind, actor: 'U0DANA', at: at(id - 60), detail });
}

export const EVENT_KINDS: Array<[string, Record<string, unknown>]> = [
  ['received', { source: 'zillow' }],
  ['received', { source: 'zillow', flagged: ['phone', 'price', '<&>'.repeat(100)] }],
  ['classified', { type: 'buyer_lead', why: 'source zillow' }],
  ['routed', { rule: 'portal-buyer-lead', chain: [{ agentId: 'U0DANA', reason: 'round robin' }] }],
  ['offered', { agentId: 'U0DANA', position: 0, reason: 'round robin', deadline: at(5).toISOString() }],
  [
    'offered',
    { pool: ['U0DANA', 'U0IVY'], position: 1, reason: 'first to claim', deadline: at(10).toISOString() },
  ],
  ['skipped', { agentId: 'U0IVY', why: 'away' }],
  ['passed', {}],
  ['pass_reason', { reason: 'wrong_area' }],
  ['expired', { agentId: 'U0IVY' }],
  ['delivery_failed', { agentId: 'U0IVY', error: 'account_inactive' }],
  ['escalated', { reason: 'chain ran out', manualReview: false, escalationId: 1 }],
  ['reannounced', { escalationId: 1 }],
  ['not_a_kind_yet', { from: 'a newer version' }],
  ['assigned', { assignee: 'U0MARCO' }],
  ['reassigned', { to: 'U0IVY', from: 'U0DANA', reason: '<&>'.repeat(66) }],
  ['reassigned', { to: 'U0IVY' }],
  ['handed_off', { to: 'U0MARCO', reason: 'sick' }],
  ['handed_off', { to: null }],
  ['held', { until: at(600).toISOString(), waitingFor: ['U0DANA'] }],
  ['merged', { matchedOn: 'phone', into: 3 }],
  ['claimed', {}],
  ['contacted', {}],
  ['reply_waiting', { channel: 'sms', until: at(600).toISOString(), zone: 'America/New_York' }],
  ['replied', { channel: 'sms', replyId: 1, agentId: 'U0DANA' }],
  ['reply_status', { channel: 'sms', status: 'undeliverable', reason: '<&>'.repeat(40) }],
  ['reply_skipped', { channel: 'email', reason: 'no_email' }],
  ['opted_out', { keyword: 'STOP' }],
  ['opted_in', { keyword: 'START' }],
  ['lead_texted', { shownTo: 'C0LEADERS1' }],
  ['pond_reminded', { pondId: 11 }],
  ['idle_moved', { ownerId: 'U0DANA' }],
  ['withdrawn', { pool: ['U0DANA', 'U0IVY'] }],
  ['details_removed', { reason: 'request' }],
];

export const available: Availability = { available: true };
export const member = (i: number, availability: Availability): TeamMemberStatus => ({
  id: `U${i}`,
  name: `Agent ${i} ${'<&>'.repeat(5)}`,
  availability,
  onDutyFor: [],
  openLeads: i % 4,
  capped: i % 7 === 0 ? '5 open, the cap is 5' : undefined,
});

/** A Home as App Home data gives it: at most HOME_LIST_LIMIT of each list, and whether more exist. */
export function home(offered: number, owned: number, more = false): HomeData {
  return {
    availability: available,
    moreOffered: more,
    moreOwned: more,
    onDutyFor: [],
    covering: [],
    offered: Array.from({ length: offered }, (_, i) => ({
      task: task({ id: 100 + i }),
      deadline: at(i % 6),
    })),
    owned: Array.from({ length: owned }, (_, i) =>
      task({
        id: 500 + i,
        status: 'claimed',
        ownerId: 'U0DANA',
        contactDueAt: i % 2 ? at(30) : null,
        contactedAt: i % 3 ? null : at(-1),
      }),
    ),
    week: { received: 80, claimed: 60, medianSecondsToClaim: 95 },
  };
}

/** A lead's post in the pond channel, waiting since 90 minutes ago. */
export function pondPost(overrides: Partial<PondPostRow> = {}): PondPostRow {
  return {
    id: 11,
    taskId: 7,
    offerId: 9,
    recipient: 'C0POND',
    createdAt: at(-90),
    remindEverySeconds: 1800,
    remindAt: at(0),
    escalateAt: at(30),
    escalatedAt: null,
    closedAt: null,
    channel: 'C0POND',
    ts: '1.000300',
    postedAt: at(-90),
    version: 1,
    renderedVersion: 0,
    attempts: 0,
    retryAt: null,
    postAttemptAt: null,
    ...overrides,
  };
}
