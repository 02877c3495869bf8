const TIMEOUT_MS = 10_000;
const MAX_BYTES = 5_000_000;

/**
 * Downloads an iCal feed. The address is a secret (Google's "secret address"), so errors describe
 * what went wrong without it, and it is never logged.
 */
export async function fetchCalendarFeed(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'text/calendar' } });
  } catch (error) {
    throw new Error(describeFetchError(error));
  }
  if (!res.ok) throw new Error(`the feed answered HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) throw new Error('the feed is larger than 5 MB');
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error('the feed is larger than 5 MB');
  return text;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const detail = code ?? cause?.message;
  return `could not connect${detail ? ` (${detail})` : ''}`;
}
