/**
 * What a failed Slack call means for the work behind it. Pure, so the retry policy is
 * unit-tested apart from the HTTP plumbing.
 */
export type SlackFailure =
  /** This recipient cannot get a DM (deactivated, unknown, DMs off): offer the next candidate. */
  | 'recipient'
  /** Our token or app is broken: nobody can be reached, so wait and tell the operator. */
  | 'token'
  /** The message we meant to update no longer exists. */
  | 'gone'
  /** Slack says our message is malformed: a bug of ours, retried and reported, never silently dropped. */
  | 'content'
  /**
   * Slack refused this one message for a reason we do not know (`restricted_action`, a new error
   * code): like content, it is this message's problem, retried slowly without holding up others.
   */
  | 'refused'
  /** Rate limits, 5xx, timeouts, network, Slack's own internal errors: try again later. */
  | 'transient';

const RECIPIENT = new Set([
  'user_not_found',
  'channel_not_found',
  'messages_tab_disabled',
  'user_disabled',
  'cannot_dm_bot',
  'is_archived',
  'not_in_channel',
]);
const TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'team_access_not_granted',
  'ekm_access_denied',
  'not_allowed_token_type',
]);
const GONE = new Set(['message_not_found', 'cant_update_message']);
const CONTENT = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'invalid_arguments',
]);

/**
 * Slack's own trouble, answered with ok: false. Its docs say of internal_error and fatal_error
 * that "some aspect of the operation" may have succeeded, so a post that got one may exist.
 */
export const SLACK_SIDE = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** `code` is Slack's `error` string, or undefined for HTTP-level failures (429, 5xx, network). */
export function classifySlackFailure(code: string | undefined): SlackFailure {
  if (code === undefined || SLACK_SIDE.has(code)) return 'transient';
  if (RECIPIENT.has(code)) return 'recipient';
  if (TOKEN.has(code)) return 'token';
  if (GONE.has(code)) return 'gone';
  if (CONTENT.has(code)) return 'content';
  return 'refused';
}

/**
 * Seconds to wait before attempt `attempts + 1`: Slack's Retry-After when it sent one, else
 * exponential from 1 s to a 60 s cap, spread by ±20 % (`jitter` in [0, 1)) so a backlog does
 * not come back as one burst.
 */
export function retryDelaySeconds(attempts: number, retryAfter: number | undefined, jitter: number): number {
  if (retryAfter !== undefined && retryAfter > 0) return retryAfter;
  const base = Math.min(60, 2 ** Math.max(0, attempts));
  return base * (0.8 + 0.4 * jitter);
}
