import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { type ConfigReloadRow, configReloads } from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { CONFIG_NOTICE_TOPIC } from '../dispatch/reload-config.js';
import { renderConfigNotice } from '../slack/blocks/config-notice.js';
import type { OutboxTopic } from './outbox/outbox.js';
import { PostFinder, postMetadata } from './slack-sync/find-posted.js';

/**
 * Posts a reload's note in the leaders' channel, once: the attempt is recorded on the row before
 * the post, which carries metadata naming the row, so an answer lost in a timeout is found in the
 * channel's history instead of being posted again (as the digest does).
 */
export function configNoticeTopic(ctx: DispatchContext, client: WebClient): OutboxTopic {
  const finder = new PostFinder(client, ctx.log);
  const load = (id: number) => ctx.db.select().from(configReloads).where(eq(configReloads.id, id)).get();
  const save = (id: number, set: Partial<ConfigReloadRow>) =>
    ctx.db.update(configReloads).set(set).where(eq(configReloads.id, id)).run();
  return {
    topic: CONFIG_NOTICE_TOPIC,
    // Retried for as long as Slack takes to come back (the outbox's backoff is capped at an hour).
    maxAttempts: 200,
    async deliver(item) {
      const id = Number(item.payload.reloadId);
      const row = load(id);
      if (!row?.notice || !row.noticeChannel || row.noticeTs) return;
      const mark = { kind: 'config_reload' as const, id };
      if (row.noticeAttemptAt) {
        const found = await finder.find(mark, row.noticeChannel, null, row.noticeAttemptAt.getTime());
        if (found) {
          save(id, { noticeTs: found.ts });
          return;
        }
      }
      save(id, { noticeAttemptAt: ctx.clock.now() });
      const posted = await client.chat.postMessage({
        channel: row.noticeChannel,
        ...renderConfigNotice(row.notice, row.outcome === 'applied'),
        metadata: postMetadata({ ...mark, version: 1 }),
        unfurl_links: false,
      });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      save(id, { noticeTs: posted.ts });
    },
  };
}
