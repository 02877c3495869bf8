import { readFileSync } from 'node:fs';
import type { View } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { parseDispatchConfig } from '../../src/config/load-dispatch.js';
import { diffConfigs, refusedText, reloadedLine } from '../../src/core/config-diff.js';
import type { OfferRow, TaskRow } from '../../src/db/schema.js';
import { REPLY_STATUSES } from '../../src/db/schema.js';
import type { HomeData } from '../../src/dispatch/home.js';
import type { MoveRefusal } from '../../src/dispatch/reassign.js';
import type { CoverLine, PauseLine, TeamMemberStatus } from '../../src/dispatch/team-status.js';
import { leadFacts } from '../../src/reports/lead-facts.js';
import { agentFigures, fairness, figuresBy, figuresOf, type ReportLead } from '../../src/reports/measures.js';
import type { Report } from '../../src/reports/report.js';
import type { TeamWeek } from '../../src/reports/team-week.js';
import { renderAppHome, renderOutsiderHome } from '../../src/slack/blocks/app-home.js';
import { availabilityRefusalText, awayConfirmation } from '../../src/slack/blocks/availability-text.js';
import { renderAwayModal } from '../../src/slack/blocks/away-modal.js';
import { renderConfigNotice } from '../../src/slack/blocks/config-notice.js';
import { renderContactReminder } from '../../src/slack/blocks/contact-reminder.js';
import {
  COVER_USAGE,
  type CoverReply,
  coverListText,
  coverReplyText,
  PAUSE_USAGE,
  type PauseReply,
  pauseListText,
  pauseReplyText,
} from '../../src/slack/blocks/cover-pause-text.js';
import { renderDuplicateNote } from '../../src/slack/blocks/duplicate-note.js';
import {
  renderEscalationMessage,
  renderEscalationReminder,
} from '../../src/slack/blocks/escalation-message.js';
import { renderLeadText } from '../../src/slack/blocks/lead-text.js';
import { renderHandOffModal, renderReassignModal } from '../../src/slack/blocks/move-modals.js';
import {
  type OfferView,
  type RenderedMessage,
  renderOfferMessage,
} from '../../src/slack/blocks/offer-message.js';
import { type PondView, renderPondPost, renderPondReminder } from '../../src/slack/blocks/pond-message.js';
import { renderDigest, renderStats } from '../../src/slack/blocks/report.js';
import {
  contactResultText,
  leaderRefusalText,
  moveRefusalText,
  staleClickText,
  TEAM_ONLY,
} from '../../src/slack/blocks/stale-click.js';
import { renderTaskView } from '../../src/slack/blocks/task-copy-message.js';
import { renderTeamEvent, type TeamEventView } from '../../src/slack/blocks/team-event.js';
import { renderTeamStatus } from '../../src/slack/blocks/team-status.js';
import { renderTimeline } from '../../src/slack/blocks/timeline.js';
import { type BlockKitProblem, formatProblem, validateBlocks, validateView } from '../support/block-kit.js';
import { EXAMPLE_CONFIG } from '../support/harness.js';
import {
  at,
  available,
  EVENT_KINDS,
  escalation,
  escalationView,
  event,
  FLAGGED,
  home,
  member,
  NAMES,
  NOW,
  offer,
  offerView,
  POOL,
  pondPost,
  TRIED,
  task,
  taskView,
  WORST,
  WORST_FLAGGED,
  ZONE,
} from '../support/render-fixtures.js';

/**
 * Every state of every message and view the app renders, sent through the Block Kit rules the
 * Slack double enforces: a state Slack would refuse fails here, named with its json-pointer.
 */

/** Slack's limit for a message's top-level text (msg_too_long above it). */
const MAX_MESSAGE_TEXT = 40_000;
const CONFIG = parseDispatchConfig(readFileSync(EXAMPLE_CONFIG, 'utf8'));

type Shown =
  | { state: string; message: RenderedMessage }
  | { state: string; view: View }
  /** A reply that is text only: an ephemeral, a response_url answer or a DM. */
  | { state: string; text: string };

/** A headline as long as a lead's fields can make it. */
const WORST_HEADLINE = `${'<&>*'.repeat(800)} #123`;

const claimedTask = task({ status: 'claimed', ownerId: 'U0DANA', claimedAt: at(-1) });
const OFFER_STATES: Array<[string, TaskRow, Partial<OfferRow>, Partial<OfferView>?]> = [
  ['live', task(), {}],
  [
    'live, worst-case lead, seen before and written again',
    WORST,
    {},
    {
      history: Array.from({ length: 3 }, (_, i) => ({
        task: WORST,
        ownerName: 'O'.repeat(500),
        owner: i ? 'left' : 'inactive',
      })),
      repeats: Array.from({ length: 5 }, () => WORST),
    },
  ],
  ['live, made by a leader past the chain', task(), { position: 4, reason: 'assigned by Lee Leader' }],
  [
    'claimed, contact due',
    task({ ...claimedTask, contactDueAt: at(30) }),
    { status: 'claimed', resolvedAt: at(-1) },
  ],
  [
    'claimed, contacted',
    task({ ...claimedTask, contactedAt: at(-1) }),
    { status: 'claimed', resolvedAt: at(-1) },
  ],
  [
    'claimed, escalated for no contact',
    task({ ...claimedTask, status: 'escalated' }),
    { status: 'claimed', resolvedAt: at(-1) },
  ],
  [
    'claimed, then handed to someone else',
    task({ ...claimedTask, ownerId: 'U0IVY' }),
    { status: 'claimed', resolvedAt: at(-1) },
  ],
  [
    'claimed, then reassigned by a leader, with the longest reason',
    task({ status: 'offered', ownerId: null }),
    { status: 'claimed', resolvedAt: at(-1) },
    {
      moved: {
        kind: 'reassigned',
        byName: 'Lee <&>'.repeat(20),
        toName: 'Ivy'.repeat(60),
        reason: '<&>*'.repeat(50),
        at: NOW,
      },
    },
  ],
  [
    'live, then reassigned by a leader',
    task(),
    { status: 'reassigned', resolvedAt: at(-1) },
    { moved: { kind: 'reassigned', byName: 'Lee', toName: 'Ivy', reason: null, at: NOW } },
  ],
  ['reassigned, its event unreadable', task(), { status: 'reassigned', resolvedAt: at(-1) }],
  [
    'claimed, handed off to a teammate',
    task({ status: 'offered', ownerId: null }),
    { status: 'claimed', resolvedAt: at(-1) },
    { moved: { kind: 'handed_off', byName: 'Dana', toName: 'Marco', reason: 'Sick today', at: NOW } },
  ],
  [
    "claimed, handed back to the rule's pool",
    task({ status: 'offered', ownerId: null }),
    { status: 'claimed', resolvedAt: at(-1) },
    { moved: { kind: 'handed_off', byName: 'Dana', toName: null, reason: null, at: NOW } },
  ],
  [
    'claimed, no contact timer (Hand off… beside Timeline)',
    task({ ...claimedTask, ownerId: 'U0DANA' }),
    { status: 'claimed', resolvedAt: at(-1), agentId: 'U0DANA' },
  ],
  ['live, handed off by the owner', task(), { reason: `handed off by Dana: ${'<&>'.repeat(66)}` }],
  ['passed without a reason', task(), { status: 'passed', resolvedAt: at(-1) }],
  ['passed with a reason', task(), { status: 'passed', resolvedAt: at(-1), passReason: 'wrong_area' }],
  [
    'passed, went to the leaders',
    task({ status: 'escalated' }),
    { status: 'passed', resolvedAt: at(-1) },
    { successor: { kind: 'leaders' } },
  ],
  ['expired', task(), { status: 'expired', resolvedAt: at(-1) }],
  ['failed', task(), { status: 'failed', resolvedAt: at(-1) }, { successor: undefined }],
  ['withdrawn', task(), { status: 'withdrawn', resolvedAt: at(-1) }],
  ['live, fields kept as sent, a price band, no phone or email', FLAGGED, {}],
  ['live, worst-case intake notes', WORST_FLAGGED, {}],
  [
    'claimed, with every state of a reply to the lead',
    WORST,
    { status: 'claimed', resolvedAt: at(-1) },
    {
      replies: REPLY_STATUSES.map((status, i) => ({
        channel: i % 2 ? 'email' : 'sms',
        status,
        reason: status === 'skipped' ? 'opted_out' : '<&>'.repeat(50),
        sendAt: at(600),
        sentAt: at(-1),
        statusAt: at(-1),
      })),
    },
  ],
];

function everyState(): Shown[] {
  const shown: Shown[] = [];
  for (const [name, t, o, more] of OFFER_STATES) {
    shown.push({ state: `offer DM: ${name}`, message: renderOfferMessage(offerView(t, o, more)) });
  }
  for (const t of [
    task({ status: 'escalated' }),
    WORST,
    task({ status: 'escalated', manualReview: true }),
    FLAGGED,
    WORST_FLAGGED,
  ]) {
    shown.push({ state: 'escalation: open', message: renderEscalationMessage(escalationView(t, {})) });
    shown.push({
      state: 'escalation: nobody tried',
      message: renderEscalationMessage(escalationView(t, {}, [])),
    });
    for (const resolution of ['assigned', 'taken', 'returned'] as const) {
      const resolved = { resolvedAt: at(0), resolvedBy: 'U0LEAD', resolution, assignee: 'U0MARCO' };
      shown.push({
        state: `escalation: ${resolution}`,
        message: renderEscalationMessage(escalationView(t, resolved)),
      });
      shown.push({
        state: `escalation: ${resolution}, the lead still open (Reassign…)`,
        message: renderEscalationMessage(escalationView({ ...t, status: 'offered' }, resolved)),
      });
    }
    shown.push({ state: 'escalation reminder', message: renderEscalationReminder(t, NOW) });
  }
  const watcherTasks: Array<[string, TaskRow]> = [
    ['received', task({ status: 'received' })],
    ['held', task({ status: 'held', heldUntil: at(900) })],
    ['offered', task()],
    ['claimed', claimedTask],
    ['claimed and contacted', task({ ...claimedTask, contactedAt: at(0) })],
    ['escalated', task({ status: 'escalated' })],
    ['flagged at intake', FLAGGED],
    ['worst-case intake notes', WORST_FLAGGED],
    ['merged', task({ status: 'merged' })],
    ['worst-case lead', WORST],
  ];
  for (const [name, t] of watcherTasks) {
    for (const via of ['dm', 'cc', 'channel'] as const) {
      shown.push({
        state: `watcher ${via}: ${name}`,
        message: renderTaskView(taskView(t, { via }, offer(), offer())),
      });
    }
    for (const via of ['dm', 'cc', 'channel'] as const) {
      shown.push({
        state: `leaders' watcher ${via} (Reassign… while open): ${name}`,
        message: renderTaskView({ ...taskView(t, { via }, offer(), offer()), leaders: true }),
      });
    }
    shown.push({
      state: `watcher dm, pool live: ${name}`,
      message: renderTaskView(taskView(t, {}, POOL, POOL)),
    });
  }
  const broadcasts: Array<[string, TaskRow, OfferRow | undefined]> = [
    ['live', task(), POOL],
    ['live, worst-case lead', WORST, POOL],
    ['claimed', claimedTask, { ...POOL, status: 'claimed', agentId: 'U0IVY', resolvedAt: at(0) }],
    [
      'claimed, worst-case lead',
      { ...WORST, status: 'claimed', ownerId: 'U0IVY' },
      { ...POOL, status: 'claimed', agentId: 'U0IVY', resolvedAt: at(0) },
    ],
    ['expired, moved on', task(), { ...POOL, status: 'expired', resolvedAt: at(0) }],
    ['expired, escalated', task({ status: 'escalated' }), { ...POOL, status: 'expired', resolvedAt: at(0) }],
    ['offer gone', task(), undefined],
    ['reassigned by a leader', task(), { ...POOL, status: 'reassigned', resolvedAt: at(0) }],
  ];
  for (const [name, t, o] of broadcasts) {
    for (const via of ['dm', 'channel'] as const) {
      shown.push({
        state: `broadcast copy ${via}: ${name}`,
        message: renderTaskView(taskView(t, { kind: 'broadcast', via }, o, o)),
      });
    }
  }
  // The pond: open, open after its age told the leaders, claimed, taken out by a leader; and its reminder.
  const POND = { ...POOL, pond: true, poolChannel: 'C0POND', reason: 'in the pond <#C0POND>' };
  const ponds: Array<[string, TaskRow, OfferRow, Partial<PondView>]> = [
    ['open', task(), POND, {}],
    ['open, worst-case lead', WORST, POND, {}],
    ['open, leaders told', task({ status: 'escalated' }), POND, { pond: pondPost({ escalatedAt: at(0) }) }],
    ['claimed', claimedTask, { ...POND, status: 'claimed', agentId: 'U0IVY', resolvedAt: at(0) }, {}],
    [
      'claimed, worst-case lead',
      { ...WORST, status: 'claimed', ownerId: 'U0IVY' },
      { ...POND, status: 'claimed', agentId: 'U0IVY', resolvedAt: at(0) },
      {},
    ],
    ...(['assigned', 'taken', 'returned'] as const).map(
      (resolution): [string, TaskRow, OfferRow, Partial<PondView>] => [
        `a leader ${resolution} it`,
        task(),
        { ...POND, status: 'withdrawn', resolvedAt: at(0) },
        {
          escalation: escalation({
            resolvedAt: at(0),
            resolvedBy: 'U0LEAD',
            resolution,
            assignee: 'U0MARCO',
          }),
        },
      ],
    ),
    ['left the pond, no escalation', task(), { ...POND, status: 'withdrawn', resolvedAt: at(0) }, {}],
  ];
  for (const [name, t, o, more] of ponds) {
    const view: PondView = {
      pond: pondPost(),
      task: t,
      offer: o,
      escalation: undefined,
      names: NAMES,
      zone: ZONE,
      now: NOW,
      ...more,
    };
    shown.push({ state: `pond post: ${name}`, message: renderPondPost(view) });
  }
  for (const t of [task(), WORST])
    shown.push({ state: 'pond reminder', message: renderPondReminder(t, at(-90), NOW) });
  shown.push({
    state: 'escalation: from the pond, still open',
    message: renderEscalationMessage(
      escalationView(task({ status: 'escalated' }), {}, [...TRIED, { offer: POND, agent: null }]),
    ),
  });
  shown.push({
    state: 'escalation: claimed from the pond',
    message: renderEscalationMessage(
      escalationView(task({ status: 'claimed' }), {
        resolvedAt: at(0),
        resolvedBy: 'U0IVY',
        resolution: 'pond',
        assignee: 'U0IVY',
      }),
    ),
  });
  shown.push({
    state: 'offer DM: expired, went into the pond',
    message: renderOfferMessage(
      offerView(
        task(),
        { status: 'expired', resolvedAt: at(-1) },
        { successor: { kind: 'pond', channel: 'C0POND' } },
      ),
    ),
  });
  shown.push({
    state: 'offer DM: claimed, moved on for no contact',
    message: renderOfferMessage(
      offerView(
        task({ status: 'offered', contactSlaSeconds: 1800, contactThen: 'next' }),
        { status: 'claimed', resolvedAt: at(-60), idleAt: at(0) },
        { successor: { kind: 'agent', name: 'Marco Silva' } },
      ),
    ),
  });
  shown.push({
    state: 'offer DM: claimed, contact due, moves on next',
    message: renderOfferMessage(
      offerView(task({ ...claimedTask, contactDueAt: at(30), contactThen: 'next' }), {
        status: 'claimed',
        resolvedAt: at(-1),
      }),
    ),
  });
  for (const t of [
    task({ ...claimedTask, contactDueAt: at(30) }),
    task({ ...claimedTask, contactDueAt: at(30), contactThen: 'next' }),
    task({ ...claimedTask, contactDueAt: null }),
    WORST,
  ]) {
    shown.push({ state: 'contact reminder', message: renderContactReminder(t, ZONE, NOW) });
  }
  for (const repeat of [
    task({ id: 8, duplicateOf: 7 }),
    task({ id: 8, duplicateOf: null, message: null, phone: null, email: null }),
    { ...WORST, duplicateOf: 7 },
  ]) {
    shown.push({ state: 'duplicate note', message: renderDuplicateNote(repeat, ZONE, NOW) });
    shown.push({
      state: 'lead texted back',
      message: renderLeadText(repeat, '<!here> *x*\n'.repeat(400), NOW, ZONE),
    });
  }
  // A reload's note: the confirmation, and the longest refusal (20 problems of a long path each).
  const problems = Array.from(
    { length: 40 },
    (_, i) => `/etc/${'x'.repeat(200)}/dispatch.yml:${i}:1  <&> ${'y'.repeat(200)}`,
  );
  shown.push({
    state: 'config reloaded',
    message: renderConfigNotice(reloadedLine(CONFIG, diffConfigs(CONFIG, CONFIG), []), true),
  });
  shown.push({
    state: 'config refused',
    message: renderConfigNotice(refusedText('dispatch.yml', problems), false),
  });
  const stale = [
    { kind: 'unknown' },
    { kind: 'not_yours' },
    { kind: 'claimed', byYou: true, ownerName: 'Dana', at: NOW },
    { kind: 'claimed', byYou: false, ownerName: 'Dana', at: NOW },
    { kind: 'passed', at: NOW, byYou: true },
    { kind: 'expired', at: NOW },
    { kind: 'escalated', at: NOW },
    { kind: 'moved_on', at: NOW },
    { kind: 'at_cap', detail: '5 open, the cap is 5' },
    { kind: 'not_in_pond' },
  ] as const;
  for (const s of stale) shown.push({ state: `stale click: ${s.kind}`, text: staleClickText(s, ZONE) });
  shown.push({
    state: 'contact refused: not owner',
    text: contactResultText({ ok: false, why: 'not_owner' }, ZONE),
  });
  shown.push({
    state: 'contact refused: already',
    text: contactResultText({ ok: false, why: 'already', at: NOW }, ZONE),
  });
  shown.push({
    state: 'contact refused: not claimed',
    text: contactResultText({ ok: false, why: 'not_claimed' }, ZONE),
  });
  for (const r of [
    { kind: 'not_leader' },
    { kind: 'unknown_escalation' },
    { kind: 'already_resolved', by: 'Lee', resolution: 'assigned', assignee: 'Marco', at: NOW },
    { kind: 'already_resolved', by: 'Ivy', resolution: 'pond', assignee: 'Ivy', at: NOW },
    { kind: 'not_an_agent', userId: 'U0NOPE' },
    { kind: 'agent_unavailable', name: 'Marco' },
  ] as const) {
    shown.push({ state: `leader refusal: ${r.kind}`, text: leaderRefusalText(r, ZONE) });
  }
  const moves: MoveRefusal[] = [
    { kind: 'not_leader' },
    { kind: 'not_owner' },
    { kind: 'unknown_task' },
    { kind: 'not_open', status: 'received' },
    { kind: 'not_open', status: 'held' },
    { kind: 'not_open', status: 'merged' },
    { kind: 'with_leaders', escalationId: 3 },
    { kind: 'already_theirs', name: 'Ivy <&>' },
    { kind: 'not_an_agent', userId: 'U0NOPE' },
    { kind: 'agent_unavailable', name: 'Marco' },
  ];
  for (const r of moves) shown.push({ state: `move refused: ${r.kind}`, text: moveRefusalText(r) });
  shown.push({ state: 'team only', text: TEAM_ONLY });
  shown.push({ state: 'outsider App Home', view: renderOutsiderHome() });
  shown.push({ state: 'reassign modal', view: renderReassignModal(7, WORST_HEADLINE) });
  shown.push({ state: 'hand-off modal', view: renderHandOffModal(9, WORST_HEADLINE) });
  const events = Array.from({ length: 200 }, (_, i) => {
    const [kind, detail] = EVENT_KINDS[i % EVENT_KINDS.length] ?? ['received', {}];
    return event(i + 1, kind, detail);
  });
  shown.push({
    state: 'timeline of a long-lived task (200 events)',
    text: renderTimeline(7, events, NAMES, ZONE, NOW),
  });
  const members: TeamMemberStatus[] = Array.from({ length: 120 }, (_, i) =>
    member(
      i,
      i % 3 ? available : { available: false, why: 'away', until: at(600), reason: 'showing '.repeat(10) },
    ),
  );
  shown.push({
    state: 'team status of 120 (/dispatch who)',
    text: renderTeamStatus(
      { members, held: { count: 4, next: at(900) }, covers: COVERS, pauses: PAUSES },
      ZONE,
      NOW,
    ),
  });
  shown.push({ state: '/dispatch cover list', text: coverListText(COVERS, ZONE, NOW) });
  shown.push({ state: '/dispatch cover list, none', text: coverListText([], ZONE, NOW) });
  shown.push({ state: '/dispatch pause list', text: pauseListText(PAUSES, ZONE, NOW) });
  shown.push({ state: '/dispatch pause list, none', text: pauseListText([], ZONE, NOW) });
  const coverReplies: CoverReply[] = [
    { kind: 'set', self: true, name: 'Ivy', rotation: 'evenings', until: at(600), replaced: undefined },
    { kind: 'set', self: false, name: 'Ivy', rotation: 'evenings', until: at(6000), replaced: 'Dana' },
    { kind: 'ended', self: false, name: 'Ivy', rotations: ['evenings', 'weekends'] },
    { kind: 'ended', self: true, name: 'Ivy', rotations: [] },
    { kind: 'not_leader' },
    { kind: 'not_an_agent' },
    { kind: 'inactive', name: 'Rob' },
  ];
  for (const r of coverReplies)
    shown.push({ state: `/dispatch cover reply: ${r.kind}`, text: coverReplyText(r, ZONE, NOW) });
  const pauseReplies: PauseReply[] = [
    { kind: 'paused', target: 'source', name: 'zillow', until: at(120), replaced: false },
    { kind: 'paused', target: 'rule', name: 'portal-buyer-lead', until: at(120), replaced: true },
    { kind: 'resumed', target: 'source', name: 'zillow', released: 3 },
    { kind: 'resumed', target: 'rule', name: 'portal-buyer-lead', released: 0 },
    { kind: 'not_paused', target: 'source', name: 'zillow' },
    { kind: 'not_leader' },
  ];
  for (const r of pauseReplies)
    shown.push({ state: `/dispatch pause reply: ${r.kind}`, text: pauseReplyText(r, ZONE, NOW) });
  shown.push({ state: 'cover usage', text: COVER_USAGE });
  shown.push({ state: 'pause usage', text: PAUSE_USAGE });
  for (const e of TEAM_EVENTS)
    shown.push({ state: `leaders' announcement: ${e.kind}`, message: renderTeamEvent(e, ZONE, NOW) });
  shown.push({
    state: 'away confirmation',
    text: awayConfirmation({
      self: false,
      name: 'Dana',
      back: 'Fri at 5:00 PM',
      reason: 'x'.repeat(200),
      withdrawn: 3,
    }),
  });
  shown.push({ state: 'away refused', text: availabilityRefusalText({ kind: 'not_leader' }) });
  const homes: Array<[number, number]> = [
    [0, 0],
    [3, 2],
    [60, 0],
    [30, 30],
    [0, 60],
    [150, 150],
  ];
  for (const [offered, owned] of homes) {
    shown.push({
      state: `App Home with ${offered} offered and ${owned} owned leads`,
      view: renderAppHome(home(offered, owned), ZONE, NOW),
    });
  }
  shown.push({
    state: 'App Home with more offers and leads than it lists',
    view: renderAppHome(home(20, 20, true), ZONE, NOW),
  });
  const away: HomeData = {
    ...home(2, 2),
    availability: { available: false, why: 'away', until: null, reason: 'x'.repeat(200) },
  };
  shown.push({ state: 'App Home while away', view: renderAppHome(away, ZONE, NOW) });
  const covering: HomeData = {
    ...home(2, 2),
    availability: { available: false, why: 'off_hours', opensAt: at(600) },
    onDutyFor: ['portal-buyer-lead'],
    covering: [{ rotation: 'evenings', until: at(600) }],
  };
  shown.push({ state: 'App Home while covering a rotation', view: renderAppHome(covering, ZONE, NOW) });
  shown.push({ state: 'away modal', view: renderAwayModal('U0DANA', ZONE) });
  for (const agents of [0, 3, 80]) {
    const report = syntheticReport(agents);
    shown.push({ state: `/dispatch stats with ${agents} agents`, message: renderStats(report, LABELS) });
    shown.push({ state: `weekly digest with ${agents} agents`, message: renderDigest(report, LABELS) });
  }
  for (const waiting of [0, 3, 40]) {
    const team: TeamWeek = {
      since: NOW,
      figures: syntheticReport(3).figures,
      waiting: Array.from({ length: Math.min(waiting, 15) }, (_, i) => ({
        who: `Agent ${i} ${'with a long name '.repeat(3)}`,
        taskId: i,
        type: 'buyer_lead',
        source: 'zillow',
        what: (['claim', 'contact', 'leader', 'held'] as const)[i % 4] ?? 'claim',
        at: NOW,
      })),
      moreWaiting: Math.max(0, waiting - 15),
    };
    shown.push({
      state: `leader's App Home with ${waiting} waiting`,
      view: renderAppHome({ ...home(3, 3), team }, ZONE, NOW),
    });
  }
  return shown;
}

const LONG = 'Maximiliana Featherstonehaugh-Worthington '.repeat(3);
const COVERS: CoverLine[] = Array.from({ length: 20 }, (_, i) => ({
  name: `${LONG}${i}`,
  rotation: `rotation-${'x'.repeat(60)}-${i}`,
  until: at(600 + i),
  setBy: i % 2 ? LONG : `${LONG}${i}`,
}));
const PAUSES: PauseLine[] = Array.from({ length: 30 }, (_, i) => ({
  id: i,
  kind: i % 2 ? 'rule' : 'source',
  name: `name-<&>-${'y'.repeat(60)}-${i}`,
  until: at(60 + i),
  setBy: 'U0LEE',
  setByName: LONG,
  held: i * 7,
}));
const TEAM_EVENTS: TeamEventView[] = [
  {
    kind: 'cover_set',
    actor: LONG,
    agent: 'Ivy <Chen>',
    rotation: 'evenings',
    until: at(600),
    replaced: LONG,
  },
  {
    kind: 'cover_set',
    actor: 'Ivy',
    agent: 'Ivy',
    rotation: 'evenings',
    until: at(6000),
    replaced: undefined,
  },
  { kind: 'cover_ended', actor: LONG, agent: LONG, rotation: 'evenings' },
  { kind: 'pause_set', actor: LONG, target: 'source', name: 'zillow', until: at(120) },
  { kind: 'pause_set', actor: LONG, target: 'rule', name: 'x'.repeat(200), until: at(12000) },
  { kind: 'pause_ended', actor: LONG, target: 'source', name: 'zillow' },
  { kind: 'pause_ended', actor: LONG, target: 'rule', name: 'portal-buyer-lead' },
];

const LABELS = { team: 'Lakeside', zone: ZONE, agentName: (id: string) => `${id} ${'Longname '.repeat(4)}` };

/** A report over made-up leads: one first offer each, spread over agents, sources and rules. */
function syntheticReport(agents: number): Report {
  const leads: ReportLead[] = Array.from({ length: agents * 3 }, (_, i) => ({
    id: i,
    source: `source_${i % 7}`,
    type: 'buyer_lead',
    rule: `rule-${i % 5}`,
    receivedAt: NOW,
    firstDmAt: NOW,
    manualReview: false,
    noContact: false,
    merged: false,
    events: [
      {
        kind: 'offered',
        actor: 'system',
        at: NOW,
        offerId: i,
        agentId: `U0AGENT${i % agents}`,
        reason: null,
        position: 0,
        deadline: NOW,
      },
      {
        kind: 'expired',
        actor: 'system',
        at: NOW,
        offerId: i,
        agentId: `U0AGENT${i % agents}`,
        reason: null,
        position: null,
        deadline: null,
      },
    ],
  }));
  const facts = leads.map(leadFacts);
  const figures = figuresOf(facts);
  return {
    since: new Date(NOW.getTime() - 7 * 86_400_000),
    until: NOW,
    figures,
    previous: figures,
    agents: agentFigures(facts),
    fairness: fairness(facts, new Map()),
    groups: { by: 'source', rows: figuresBy(facts, 'source', () => 'day') },
    leads: facts,
  };
}

function problemsOf(shown: Shown): BlockKitProblem[] {
  if ('view' in shown) return validateView(shown.view);
  const text = 'text' in shown ? shown.text : shown.message.text;
  const tooLong: BlockKitProblem[] =
    text.length > MAX_MESSAGE_TEXT
      ? [{ pointer: '/text', reason: `msg_too_long (${text.length} characters)` }]
      : [];
  return 'message' in shown ? [...tooLong, ...validateBlocks(shown.message.blocks, 'message')] : tooLong;
}

describe('every message and view the app can show is one Slack accepts', () => {
  it('renders every state of every message and view within Block Kit', () => {
    const shown = everyState();
    const refused = shown.flatMap((s) => problemsOf(s).map((p) => `${s.state}: ${formatProblem(p)}`));
    expect(refused, `Slack would refuse:\n${refused.join('\n')}`).toEqual([]);
    expect(shown.length).toBeGreaterThan(100);

    // A busy Home lists the 50 most urgent leads and counts the rest, rather than growing without end.
    const busy = renderAppHome(home(30, 30), ZONE, NOW);
    const text = JSON.stringify(busy.blocks);
    expect(text).toContain('#100');
    expect(text).toContain('…and 10 more open leads not listed here.');
    expect(busy.blocks.length).toBeLessThanOrEqual(20);
  });
});
