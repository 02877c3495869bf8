/**
 * Every text column of the schema, and what becomes of it when a lead's contact details are
 * removed (team.retention, `lead-dispatch forget`). `removed`: cleared or rewritten by
 * removeContactDetails (scrub.ts). `kept`: why it holds no lead's contact detail, or must stay.
 * test/unit/contact-columns.test.ts fails when the schema gains a text column not listed here, so
 * a new column that may hold a name, a phone or an email is decided on, not forgotten.
 */
export const CONTACT_COLUMNS: Record<string, Record<string, { removed: string } | { kept: string }>> = {
  tasks: {
    first_name: { removed: 'cleared' },
    last_name: { removed: 'cleared' },
    email: { removed: 'cleared' },
    phone: { removed: 'cleared' },
    street: { removed: 'cleared' },
    message: { removed: 'cleared' },
    referring_agent: { removed: 'cleared (another person named by the lead)' },
    payload: {
      removed: 'replaced by the routing fields alone (type, zip, city, state, price, tags, language)',
    },
    intake_notes: {
      removed: 'what was sent is dropped; the field and the problem stay (reports count `contact`)',
    },
    external_id: { removed: "replaced by a hash when it is the lead's own email or phone" },
    city: { kept: 'the area, as coarse as the zip; rules and what-if route on it' },
    state: { kept: 'the area' },
    zip: { kept: 'the area; rules and what-if route on it' },
    source: { kept: 'reports group by it' },
    type: { kept: 'reports group by it' },
    status: { kept: 'reports read it' },
    language: { kept: 'a skill rules route on, not a contact detail' },
    tags: { kept: 'labels from the sender, rules route on them' },
    rule_name: { kept: 'reports group by it' },
    chain: { kept: 'agent ids' },
    sla: { kept: 'durations' },
    owner_id: { kept: 'an agent id' },
    crm_person: { kept: 'the CRM record id (fub:123), no detail; a redelivery must find the same task' },
  },
  events: {
    detail: { removed: "every string mentioning the lead's details is rewritten ([removed])" },
    kind: { kept: 'the kind' },
    actor: { kept: 'a Slack user id or system' },
  },
  notifications: {
    text: { removed: 'cleared (what the lead texted back)' },
    kind: { kept: 'the kind' },
    recipient: { kept: 'a Slack user or channel id' },
    thread_ts: { kept: 'a Slack ts' },
    channel: { kept: 'a Slack channel id' },
    ts: { kept: 'a Slack ts' },
  },
  lead_replies: {
    address: { removed: 'cleared (the phone or email the reply went to)' },
    reason: { removed: "rewritten when it mentions the lead's details" },
    channel: { kept: 'sms or email' },
    rule: { kept: 'a rule name' },
    trigger: { kept: 'arrival or claim' },
    agent_id: { kept: 'an agent id' },
    status: { kept: 'the delivery state' },
    provider_id: { kept: "the provider's message id: no detail, and status callbacks find the row by it" },
  },
  outbox: {
    payload: { removed: "a webhook's task fields cleared; any other mention rewritten" },
    last_error: {
      removed: "rewritten when it mentions the lead's details (an SMTP refusal names the address)",
    },
    topic: { kept: 'the destination' },
    status: { kept: 'the delivery state' },
  },
  offers: {
    pass_reason: { removed: "rewritten when it mentions the lead's details" },
    agent_id: { kept: 'an agent id' },
    pool: { kept: 'agent ids' },
    pool_channel: { kept: 'a channel id' },
    status: { kept: 'the state' },
    reason: { kept: 'why this agent, in our words' },
    dm_channel: { kept: 'a Slack channel id' },
    dm_ts: { kept: 'a Slack ts' },
  },
  sms_opt_outs: {
    phone: {
      kept: 'a number that texted STOP must never be texted again (TCPA, carriers): the number alone, linked to no task',
    },
    keyword: { kept: 'the word texted' },
  },
  escalations: {
    reason: { kept: 'why, in our words' },
    channel: { kept: 'a Slack channel id' },
    ts: { kept: 'a Slack ts' },
    resolved_by: { kept: 'a Slack user id' },
    resolution: { kept: 'the outcome' },
    assignee: { kept: 'an agent id' },
  },
  task_views: {
    kind: { kept: 'the kind' },
    recipient: { kept: 'a Slack user or channel id' },
    via: { kept: 'dm, cc or channel' },
    channel: { kept: 'a Slack channel id' },
    ts: { kept: 'a Slack ts' },
  },
  crm_events: {
    system: { kept: 'the CRM' },
    event_id: { kept: "the CRM's event id" },
    event: { kept: 'the event name' },
    resource_ids: { kept: 'CRM person ids' },
    outcome: { kept: 'person and task ids ("person 12: task #4")' },
  },
  // Staff, not leads: the team's own roster, settings and Slack bookkeeping.
  agents: {
    id: { kept: 'staff' },
    name: { kept: 'staff' },
    email: { kept: 'staff' },
    roles: { kept: 'staff' },
    zips: { kept: 'staff' },
    cities: { kept: 'staff' },
    languages: { kept: 'staff' },
    timezone: { kept: 'staff' },
    slack_timezone: { kept: 'staff' },
  },
  crm_users: { system: { kept: 'staff' }, email: { kept: "an agent's email" } },
  away_windows: {
    agent_id: { kept: 'staff' },
    reason: { kept: "an agent's absence" },
    set_by: { kept: 'staff' },
  },
  availability_signals: {
    agent_id: { kept: 'staff' },
    source: { kept: 'staff' },
    reason: { kept: "an agent's status" },
  },
  signal_checks: { agent_id: { kept: 'staff' }, source: { kept: 'staff' }, error: { kept: 'an API error' } },
  round_robin: { rule_name: { kept: 'routing state' }, agent_id: { kept: 'routing state' } },
  digests: { channel: { kept: 'Slack' }, ts: { kept: 'Slack' }, file_id: { kept: 'Slack' } },
  heartbeats: { name: { kept: 'engine state' }, detail: { kept: 'engine state' } },
  webhook_cursors: { name: { kept: 'engine state' } },
  retention_runs: { day: { kept: 'engine state' } },
};
