import { z } from 'zod';
import { durationSchema as duration } from './duration-schema.js';

/** The Follow Up Boss webhook events lead-dispatch can act on; each is fetched, then made a task or not. */
export const FUB_EVENTS = [
  'peopleCreated',
  'peopleTagsCreated',
  'peopleStageUpdated',
  'peopleUpdated',
] as const;

const stage = z.string().trim().min(1, 'expected a Follow Up Boss stage name such as "Active Client"');

/** `crm.followupboss` in dispatch.yml: which events make tasks and what is written back on a claim. */
export const followUpBossSchema = z.strictObject({
  /** The webhooks registered and acted on. `peopleCreated` is the new lead; the others catch a tag or stage added later. */
  events: z.array(z.enum(FUB_EVENTS)).min(1).default(['peopleCreated', 'peopleTagsCreated']),
  /**
   * A person FUB's own lead flow already gave an agent (`assignedUserId` set): `leave` makes no
   * task and sends no DM (the webhook's row says why); `route` dispatches it anyway.
   */
  already_assigned: z.enum(['route', 'leave']).default('leave'),
  /** On a claim: make the claimer the person's assigned agent in FUB (found by their email). */
  assign_on_claim: z.boolean().default(true),
  /** On a claim: a note on the person's timeline, "Claimed in Slack by Dana Reyes, 38 s after it arrived". */
  note_on_claim: z.boolean().default(true),
  /** On a claim: a FUB task for the owner, due at the rule's contact deadline (or `task_due` after the claim). */
  task_on_claim: z.boolean().default(false),
  task_due: duration.default(600),
  stage_on_claim: stage.optional(),
  stage_on_contacted: stage.optional(),
  /** FUB pond ids by name, so a person in pond 3 gets the tag `pond:Buyers` as well as `pond:3`. */
  ponds: z.record(z.string().regex(/^\d+$/, 'expected a pond id such as "3"'), z.string().min(1)).default({}),
  /**
   * Webhooks whose `eventCreated` is older than this are refused. FUB retries a failed delivery
   * for about 8 hours, so the default keeps those and refuses anything older (a replay).
   */
  replay_window: duration.default(12 * 3600),
  /**
   * The type a person gets when their FUB source is not in `sources:` (nor an alias), or they have
   * none: FUB people are leads, so they are routed by rules (pond, tags) instead of going to
   * manual review as unclassifiable. Checked against the known types.
   */
  default_type: z.string().trim().min(1).default('buyer_lead'),
  /**
   * For events other than `peopleCreated` (a tag or stage added later), only a person FUB created
   * this recently becomes a task: an old contact tagged "Newsletter" is not a fresh lead. A day
   * covers a lead tagged or moved to a pond by FUB's own automations or by hand the same day.
   */
  new_person_window: duration.default(24 * 3600),
});

export const crmSchema = z.strictObject({ followupboss: followUpBossSchema.optional() });

export type FollowUpBossConfig = z.output<typeof followUpBossSchema>;
export type CrmConfig = z.output<typeof crmSchema>;
