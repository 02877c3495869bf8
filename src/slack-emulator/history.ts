import type { PostedMessage } from './types.js';

/** What Slack's conversations.history / conversations.replies answer, over the double's recorded messages. */
export interface HistoryArgs {
  channel: string;
  /** conversations.replies: the thread's parent. */
  threadTs?: string;
  oldest?: string;
  latest?: string;
  limit?: string;
  cursor?: string;
  /** Bounds count as inside the window (Slack's `inclusive`). */
  inclusive?: boolean;
  includeAllMetadata: boolean;
}

const tsNumber = (ts: string) => Number(ts);

/**
 * As Slack does: history lists the channel's top-level messages newest first; replies lists the
 * parent and its replies oldest first. Both page with a cursor, and message metadata is returned
 * only when `include_all_metadata` is set. `oldest` and `latest` are exclusive bounds by default.
 */
export function readHistory(messages: PostedMessage[], args: HistoryArgs): Record<string, unknown> {
  const oldest = args.oldest ? tsNumber(args.oldest) : Number.NEGATIVE_INFINITY;
  const latest = args.latest ? tsNumber(args.latest) : Number.POSITIVE_INFINITY;
  const inConversation = messages.filter((m) => {
    if (m.channel !== args.channel || m.deleted) return false;
    if (args.threadTs) return m.ts === args.threadTs || m.thread_ts === args.threadTs;
    return m.thread_ts === undefined;
  });
  const inWindow = inConversation.filter((m) =>
    args.inclusive
      ? tsNumber(m.ts) >= oldest && tsNumber(m.ts) <= latest
      : tsNumber(m.ts) > oldest && tsNumber(m.ts) < latest,
  );
  const ordered = args.threadTs
    ? inWindow.sort((a, b) => tsNumber(a.ts) - tsNumber(b.ts))
    : inWindow.sort((a, b) => tsNumber(b.ts) - tsNumber(a.ts));
  const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
  const start = args.cursor ? Number(Buffer.from(args.cursor, 'base64').toString('utf8').slice(5)) : 0;
  const page = ordered.slice(start, start + limit);
  const more = start + limit < ordered.length;
  return {
    messages: page.map((m) => ({
      type: 'message',
      ts: m.ts,
      text: m.text,
      blocks: m.blocks,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(args.includeAllMetadata && m.metadata ? { metadata: m.metadata } : {}),
    })),
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`next:${start + limit}`).toString('base64') : '' },
  };
}
