import { ErrorCode } from '@slack/web-api';
import { classifySlackFailure, SLACK_SIDE, type SlackFailure } from '../core/slack-failure.js';

/** Slack's error code ("channel_not_found", "missing_scope") from a Web API platform error. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  if (error.code === ErrorCode.PlatformError && 'data' in error) {
    const data = error.data as { error?: unknown };
    return typeof data.error === 'string' ? data.error : undefined;
  }
  return undefined;
}

export interface SlackCallError {
  /** Slack's own error string, when Slack answered with one. */
  code: string | undefined;
  failure: SlackFailure;
  /**
   * True when Slack may have acted although we got no answer: a timeout, a reset connection, a
   * 5xx. A post in that state must be looked up before it is sent again.
   */
  outcomeUnknown: boolean;
  /** Seconds Slack asked us to wait (HTTP 429). */
  retryAfter: number | undefined;
}

/** What a failed Web API call tells us, from @slack/web-api's error classes. */
export function describeSlackError(error: unknown): SlackCallError {
  const code = slackErrorCode(error);
  const errorCode = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const retryAfter =
    errorCode === ErrorCode.RateLimitedError &&
    typeof error === 'object' &&
    error !== null &&
    'retryAfter' in error &&
    typeof error.retryAfter === 'number'
      ? error.retryAfter
      : undefined;
  // Slack answered "no" (ok: false) or "slow down" (429): nothing was posted. Anything else may have
  // been, including Slack's own internal errors, which its docs say may have partly succeeded.
  const answered =
    (errorCode === ErrorCode.PlatformError && !(code && SLACK_SIDE.has(code))) ||
    errorCode === ErrorCode.RateLimitedError;
  return { code, failure: classifySlackFailure(code), outcomeUnknown: !answered, retryAfter };
}
