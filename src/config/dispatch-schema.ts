import { IANAZone } from 'luxon';
import { z } from 'zod';
import { normalizeLanguage } from '../core/language.js';
import { parseRetention } from '../core/retention.js';
import { WEEKDAYS } from '../core/weekly-hours.js';
import { crmSchema } from './crm-schema.js';
import { durationSchema as duration } from './duration-schema.js';
import { phoneNumber, repliesSchema, replySenderIssues, ruleReplySchema } from './replies-schema.js';
import { type SourceSettings, sourceEntry, sourceIssues } from './source-schema.js';
import { webhooksSchema } from './webhooks-schema.js';

export const BUILT_IN_TYPES = [
  'buyer_lead',
  'seller_lead',
  'referral',
  'vendor_coordination',
  'contract_milestone',
  'post_close',
] as const;

export const ROLES = [
  'buyer_agent',
  'listing_agent',
  'isa',
  'transaction_coordinator',
  'admin',
  'team_leader',
] as const;

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id such as U04ABCDEF');
const slackChannelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C04ABCDEF');
const timeZone = z
  .string()
  .refine((tz) => IANAZone.isValidZone(tz), 'expected an IANA time zone such as America/Chicago');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time such as 08:30');
const zip = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d{5}$/, 'expected a 5-digit zip'));
const role = z.enum(ROLES);
/** How long leads' contact details are kept (`2y`, `18 months`); absent: kept for good. */
const retention = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const read = parseRetention(String(value));
  if (read) return read;
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not a retention period; write e.g. 2y, 18 months, 26 weeks or 90 days`,
  });
  return z.NEVER;
});
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));

const priceBand = z
  .strictObject({ min: z.number().nonnegative().optional(), max: z.number().positive().optional() })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, 'min must not exceed max');

const weeklyHours = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  start: clockTime,
  end: clockTime,
});

/** One window or several (e.g. weekdays 9–6 and Saturday 10–2); `always` opts an agent out of team hours. */
const workingHours = z.union([z.literal('always'), oneOrMany(weeklyHours)], {
  error: 'expected { days: [mon, …], start: "09:00", end: "18:00" }, a list of those, or always',
});

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-02')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a real date');

/** After-hours cover for a rule: a list tried in order, or a rotation by day or week. */
const onDuty = z
  .strictObject({
    /**
     * The rotation's name for `/dispatch cover … for <name>` (`evenings`); rules whose on_duty
     * share a name share one rotation and its covers. Default: the rule's name.
     */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, - and _')
      .optional(),
    agents: z.array(slackUserId).min(1),
    rotate: z.enum(['daily', 'weekly']).optional(),
    from: isoDate.optional(),
    handoff: clockTime.default('08:00'),
  })
  .refine((d) => d.rotate === undefined || d.from !== undefined, {
    message: 'a rotation needs from: the date the first agent in the list starts their turn',
    path: ['from'],
  });

/** Per-agent load limits: a capped agent is skipped, keeping their turn, until under the cap. */
const caps = z.strictObject({
  /** Live offers plus claimed leads still waiting to be marked contacted (rules with contact_sla). */
  open: z.number().int().min(1).optional(),
  /** Offers claimed since midnight in the team's time zone. */
  per_day: z.number().int().min(1).optional(),
});

/** "es", "spa" and "Spanish" all mean the same language; stored as the lower-case English name. */
const language = z.string().trim().min(1).transform(normalizeLanguage);

/** In the default order of preference: who can talk to them, who takes that price, who knows the area. */
export const SKILLS = ['language', 'price', 'zip', 'city'] as const;
const skills = z.array(z.enum(SKILLS));

const agent = z.strictObject({
  id: slackUserId,
  name: z.string().min(1),
  email: z.email().optional(),
  /** Named in replies to leads as {{agent_phone}}. */
  phone: phoneNumber.optional(),
  roles: z.array(role).min(1),
  zips: z.array(zip).default([]),
  cities: z.array(z.string().trim().min(1)).default([]),
  languages: z.array(language).default([]),
  price: priceBand.optional(),
  caps: caps.optional(),
  weight: z.number().int().min(1).max(100).default(1),
  active: z.boolean().default(true),
  timezone: timeZone.optional(),
  /** Overrides team.working_hours; read in the agent's own time zone. */
  working_hours: workingHours.optional(),
  /** A secret iCal address: its busy events count as away. Never logged. */
  calendar: z.url({ protocol: /^https?$/, error: 'expected an http(s) iCal address' }).optional(),
});

const statusList = z.array(z.string().min(1)).default([]);

/** Optional availability signals; each is off until switched on here. */
const signals = z
  .strictObject({
    /** Slack Do Not Disturb (dnd.info) counts as away. */
    slack_dnd: z.boolean().default(false),
    /** Slack statuses that count as away: emoji (":palm_tree:") match exactly, texts match a word or phrase. */
    slack_status: z.strictObject({ emoji: statusList, text: statusList }).optional(),
    /** How often Slack is asked for each agent's time zone, status and DND. */
    refresh: duration.default(120),
    /** How often each agent's calendar feed is fetched. */
    calendar_refresh: duration.default(600),
  })
  .default({ slack_dnd: false, refresh: 120, calendar_refresh: 600 });

const pool = z
  .strictObject({ roles: z.array(role).optional(), agents: z.array(slackUserId).optional() })
  .refine((p) => (p.roles?.length ?? 0) + (p.agents?.length ?? 0) > 0, 'a pool needs roles or agents');

const assign = z.discriminatedUnion(
  'strategy',
  [
    z.strictObject({
      strategy: z.literal('round_robin'),
      pool,
      /** Fit ranks agents by these, earlier ones first (a language match beats a zip match). */
      prefer: skills.default([...SKILLS]),
      /** Agents who do not fit these are left out of the pool for this lead. */
      require: skills.default([]),
    }),
    /** First to claim: offered to every available member at once, by DM or in one channel. */
    z.strictObject({
      strategy: z.literal('broadcast'),
      pool,
      channel: slackChannelId.optional(),
      require: skills.default([]),
    }),
    z.strictObject({ strategy: z.literal('role'), role }),
    z.strictObject({ strategy: z.literal('agent'), agent: slackUserId }),
    z.strictObject({ strategy: z.literal('original_agent') }),
    z.strictObject({ strategy: z.literal('escalate'), reason: z.string().optional() }),
  ],
  { error: 'expected strategy round_robin, broadcast, role, agent, original_agent or escalate' },
);

/** One step of a backup chain; `rest_of_pool` is "the next available agent in the primary pool". */
const fallbackStep = z.union(
  [
    z.strictObject({ role }),
    z.strictObject({ agent: slackUserId }),
    z.strictObject({ rest_of_pool: z.literal(true) }),
    /** Whoever another rule would choose (its primary, then its own backups). */
    z.strictObject({ rule: z.string().min(1) }),
    z.strictObject({ escalate: z.literal(true) }),
  ],
  {
    error: `expected { role: … } with one of ${ROLES.join(', ')}; or { agent: U… }, { rest_of_pool: true }, { rule: name }, { escalate: true }`,
  },
);

const notifyTarget = z.union(
  [
    z.strictObject({ role, via: z.enum(['dm', 'cc']).default('dm') }),
    z.strictObject({ agent: slackUserId, via: z.enum(['dm', 'cc']).default('dm') }),
    z.strictObject({ original_agent: z.literal(true), via: z.enum(['dm', 'cc']).default('dm') }),
    z.strictObject({ channel: slackChannelId }),
  ],
  {
    error:
      'expected one of { role: … }, { agent: U… }, { original_agent: true } (each with via: dm or cc) or { channel: C… }',
  },
);

const match = z
  .strictObject({
    type: oneOrMany(z.string().min(1)).optional(),
    source: oneOrMany(z.string().min(1)).optional(),
    zip: oneOrMany(zip).optional(),
    city: oneOrMany(z.string().trim().min(1)).optional(),
    language: oneOrMany(language).optional(),
    price: priceBand.optional(),
    tags: oneOrMany(z.string().min(1)).optional(),
    /** In the team's time zone; several windows for e.g. weekday evenings plus the weekend. */
    when: z
      .union([weeklyHours, z.array(weeklyHours).min(1)], {
        error:
          'expected { days: [mon, …], start: "18:00", end: "23:00" } or a list of those (days: mon tue wed thu fri sat sun)',
      })
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
  })
  .default({});

const sla = z.union(
  [
    duration,
    z.strictObject({ within: duration, clock: z.enum(['always', 'business_hours']).default('always') }),
    z.literal('end_of_business_day'),
  ],
  {
    error:
      'expected a duration such as 5m or 1h30m, { within: 2h, clock: business_hours }, or end_of_business_day',
  },
);

const contactSla = z.union(
  [
    duration,
    z
      .strictObject({
        within: duration,
        clock: z.enum(['always', 'business_hours']).default('always'),
        // biome-ignore lint/suspicious/noThenProperty: the YAML key people write (`then: next`); renamed below.
        then: z.enum(['leaders', 'next']).default('leaders'),
      })
      .transform(({ within, clock, then: onLapse }) => ({ within, clock, onLapse })),
  ],
  {
    error:
      'expected a duration such as 15m, or { within: 30m, clock: business_hours, then: next } (clock: always or business_hours; then: leaders or next)',
  },
);

const pond = z.strictObject({
  channel: slackChannelId,
  /** A reminder in the pond post's thread this often while nobody has claimed it. */
  remind_every: duration.default(30 * 60),
  /** After this long in the pond the leaders are told too (the post stays claimable). */
  escalate_after: duration.default(4 * 3600),
});

const rule = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, - and _'),
  match,
  assign,
  sla: sla.optional(),
  /**
   * The owner must mark the lead contacted this long after claiming it; reminded once, then (by
   * default) escalated, or with `then: next` offered to the next candidate (idle lead reassignment).
   */
  contact_sla: contactSla.optional(),
  /** Where an unclaimed lead waits for anyone in the rule's pool when its chain runs out. */
  pond: pond.optional(),
  fallback: z.array(fallbackStep).default([]),
  /** Who takes it when everyone in the chain is off hours; without it the lead is held until opening. */
  on_duty: onDuty.optional(),
  notify: z.array(notifyTarget).default([]),
  /** An automatic text or email to the lead: see replies-schema.ts. */
  reply: ruleReplySchema.optional(),
});

export const dispatchConfigSchema = z
  .strictObject({
    team: z.strictObject({
      name: z.string().min(1),
      timezone: timeZone,
      leaders_channel: slackChannelId,
      business_hours: weeklyHours.default({
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: '09:00',
        end: '17:00',
      }),
      /** When agents take offers, in each agent's own time zone; omit for any hour. */
      working_hours: workingHours.optional(),
      default_sla: duration.default(900),
      /** How often an escalation nobody has acted on is announced again, as a threaded reply. */
      escalation_reminder: duration.default(900),
      /** The same phone or email again within this long is a note on the first task, not a new lead. */
      duplicate_window: duration.default(30 * 86_400),
      /** Load limits for every agent; an agent's own `caps` override them. */
      caps: caps.optional(),
      /** Contact details of tasks older than this are removed nightly; absent: kept for good. */
      retention: retention.optional(),
      /** The weekly digest in the leaders' channel: `{ day: monday, time: "08:00" }`, in the team's zone. */
      digest: z
        .strictObject({
          day: z.string().transform((text, ctx) => {
            const day = WEEKDAYS.find((d) => text.trim().toLowerCase().startsWith(d));
            if (day) return day;
            ctx.addIssue({ code: 'custom', message: 'expected a day of the week such as monday' });
            return z.NEVER;
          }),
          time: clockTime,
          /** Another channel than the leaders' one. */
          channel: slackChannelId.optional(),
        })
        .optional(),
    }),
    types: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'use snake_case')).default([]),
    /** A type per source (short form), or its intake settings too: aliases, secret, field mapping. */
    sources: z.record(z.string().min(1), sourceEntry).default({}),
    agents: z.array(agent).min(1, 'list at least one agent'),
    signals,
    rules: z.array(rule).min(1, 'list at least one rule'),
    /** Connected CRMs (Follow Up Boss): see crm-schema.ts. */
    crm: crmSchema.optional(),
    /** Signed HTTP POSTs of task events to the team's own tools: see webhooks-schema.ts. */
    webhooks: webhooksSchema,
    /** The senders and quiet hours for rules' `reply:` to leads: see replies-schema.ts. */
    replies: repliesSchema,
  })
  .superRefine((config, ctx) => {
    const replying = config.rules.map((r, index) => ({ index, reply: r.reply }));
    for (const issue of replySenderIssues(config.replies, replying))
      ctx.addIssue({ code: 'custom', ...issue });
    const issues = crossReferenceIssues({
      types: config.types,
      sources: config.sources,
      agentIds: config.agents.map((a) => a.id),
      rules: config.rules.map((value, index) => ({ index, value })),
      fubDefaultType: config.crm?.followupboss?.default_type,
    });
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  })
  // `sources` stays the name → type map every router reads; the intake settings sit beside it.
  .transform(({ sources, ...config }) => ({
    ...config,
    sources: typeMap(sources),
    source_settings: sources,
  }));

function typeMap(sources: Record<string, SourceSettings>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(sources).flatMap(([name, s]) => (s.type === undefined ? [] : [[name, s.type]])),
  );
}

export interface CrossReferenceInput {
  types: string[];
  /** Each source's type (absent when it names none) and the other names it goes by. */
  sources: Record<string, { type?: string | undefined; aliases?: string[] }>;
  /** By position in `agents`; undefined where an entry has no usable id. */
  agentIds: Array<string | undefined>;
  /** The rules that parsed, with their position, so paths point at the right YAML line. */
  rules: Array<{ index: number; value: z.output<typeof rule> }>;
  /** `crm.followupboss.default_type`, when there is one. */
  fubDefaultType?: string | undefined;
}

/**
 * Checks between sections (agents a rule names, types a source maps to, duplicate names). It is
 * separate so the loader can run it even when another part of the file has a shape mistake, and
 * report every problem at once.
 */
export function crossReferenceIssues(
  input: CrossReferenceInput,
): Array<{ path: (string | number)[]; message: string }> {
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  const types = new Set<string>([...BUILT_IN_TYPES, ...input.types]);
  const agentIds = new Set<string>();
  input.agentIds.forEach((id, i) => {
    if (id === undefined) return;
    if (agentIds.has(id)) issues.push({ path: ['agents', i, 'id'], message: `duplicate agent id ${id}` });
    agentIds.add(id);
  });
  const knownAgent = (id: string, path: (string | number)[]) => {
    if (!agentIds.has(id)) issues.push({ path, message: `${id} is not one of the agents` });
  };
  issues.push(...sourceIssues(input.sources, types));
  if (input.fubDefaultType !== undefined && !types.has(input.fubDefaultType))
    issues.push({
      path: ['crm', 'followupboss', 'default_type'],
      message: `unknown type "${input.fubDefaultType}"`,
    });
  const ruleNames = new Set(input.rules.map((r) => r.value.name));
  const names = new Set<string>();
  for (const { index: i, value: r } of input.rules) {
    if (names.has(r.name))
      issues.push({ path: ['rules', i, 'name'], message: `duplicate rule name ${r.name}` });
    names.add(r.name);
    r.match.type?.forEach((t, j) => {
      if (!types.has(t))
        issues.push({ path: ['rules', i, 'match', 'type', j], message: `unknown type "${t}"` });
    });
    if (r.assign.strategy === 'agent') knownAgent(r.assign.agent, ['rules', i, 'assign', 'agent']);
    if (r.assign.strategy === 'round_robin') {
      r.assign.pool.agents?.forEach((id, j) => {
        knownAgent(id, ['rules', i, 'assign', 'pool', 'agents', j]);
      });
    }
    if (r.assign.strategy === 'broadcast') {
      r.assign.pool.agents?.forEach((id, j) => {
        knownAgent(id, ['rules', i, 'assign', 'pool', 'agents', j]);
      });
    }
    r.fallback.forEach((step, j) => {
      if ('agent' in step) knownAgent(step.agent, ['rules', i, 'fallback', j, 'agent']);
    });
    r.fallback.forEach((step, j) => {
      if ('rule' in step && !ruleNames.has(step.rule))
        issues.push({
          path: ['rules', i, 'fallback', j, 'rule'],
          message: `there is no rule named ${step.rule}`,
        });
    });
    r.on_duty?.agents.forEach((id, j) => {
      knownAgent(id, ['rules', i, 'on_duty', 'agents', j]);
    });
    r.notify.forEach((target, j) => {
      if ('agent' in target) knownAgent(target.agent, ['rules', i, 'notify', j, 'agent']);
    });
  }
  return issues;
}

/** Cross-reference checks on a file that failed to parse as a whole: each part is read on its own. */
export function crossReferenceIssuesOfRaw(
  raw: unknown,
): Array<{ path: (string | number)[]; message: string }> {
  const root = isRecord(raw) ? raw : {};
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const types = list(root.types).filter((t): t is string => typeof t === 'string');
  const sources = Object.fromEntries(
    Object.entries(isRecord(root.sources) ? root.sources : {}).map(([name, v]) => {
      if (typeof v === 'string') return [name, { type: v }];
      const entry = isRecord(v) ? v : {};
      const type = typeof entry.type === 'string' ? entry.type : undefined;
      const aliases = list(entry.aliases).filter((a): a is string => typeof a === 'string');
      return [name, { type, aliases }];
    }),
  );
  const agentIds = list(root.agents).map((a) => (isRecord(a) && typeof a.id === 'string' ? a.id : undefined));
  const rules = list(root.rules).flatMap((r, index) => {
    const parsed = rule.safeParse(r);
    return parsed.success ? [{ index, value: parsed.data }] : [];
  });
  const crm = isRecord(root.crm) ? root.crm : {};
  const fub = isRecord(crm.followupboss) ? crm.followupboss : {};
  const fubDefaultType = typeof fub.default_type === 'string' ? fub.default_type : undefined;
  return crossReferenceIssues({ types, sources, agentIds, rules, fubDefaultType });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type DispatchConfig = z.output<typeof dispatchConfigSchema>;
export type AgentConfig = DispatchConfig['agents'][number];
export type RuleConfig = DispatchConfig['rules'][number];
export type FallbackStep = RuleConfig['fallback'][number];
export type Role = (typeof ROLES)[number];
export type { WeeklyHours } from '../core/weekly-hours.js';
