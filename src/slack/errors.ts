import { ErrorCode } from '@slack/web-api';

/** Slack's error code ("channel_not_found", "missing_scope") from a Web API platform error. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  if (error.code === ErrorCode.PlatformError && 'data' in error) {
    const data = error.data as { error?: unknown };
    return typeof data.error === 'string' ? data.error : undefined;
  }
  return undefined;
}
