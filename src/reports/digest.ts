import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { type DigestRow, digests } from '../db/schema.js';
import { type DispatchContext, writeTransaction } from '../dispatch/context.js';
import { enqueueOutbox, type OutboxTopic } from '../engine/outbox/outbox.js';
import { PostFinder, postMetadata } from '../engine/slack-sync/find-posted.js';
import { renderDigest } from '../slack/blocks/report.js';
import { chartData, chartPng } from './chart.js';
import { labelsOf } from './cli.js';
import { latestDigest } from './digest-schedule.js';
import { buildReport, dayIn } from './report.js';

export const DIGEST_TOPIC = 'slack:digest';
/**
 * A digest is retried for as long as Slack takes to come back: with the outbox's backoff capped
 * at an hour, this is weeks. Late rather than never.
 */
const DIGEST_MAX_ATTEMPTS = 500;

/**
 * Sweep step: when the latest scheduled digest has no row yet, writes its row and the outbox item
 * that posts it, in one transaction (the very first row, for a week that ended before the digest
 * was configured, is only recorded). The row's unique period is the guard: a restart, a second
 * sweeper or a sweep every second all find it there and queue nothing more.
 */
export function queueDueDigest(ctx: DispatchContext): number {
  const schedule = ctx.config.team.digest;
  if (!schedule) return 0;
  const now = ctx.clock.now();
  const period = latestDigest(schedule, ctx.config.team.timezone, now);
  const known = ctx.db
    .select({ id: digests.id })
    .from(digests)
    .where(eq(digests.periodStart, period.due))
    .get();
  if (known) return 0;
  return writeTransaction(ctx.db, (tx) => {
    const first = tx.select({ id: digests.id }).from(digests).limit(1).get() === undefined;
    const inserted = tx
      .insert(digests)
      .values({
        periodStart: period.due,
        since: period.since,
        until: period.until,
        channel: schedule.channel ?? ctx.config.team.leaders_channel,
        createdAt: now,
        skipped: first,
      })
      .onConflictDoNothing()
      .returning({ id: digests.id })
      .get();
    if (!inserted) return 0;
    if (first) {
      ctx.log.info('weekly digest scheduled; the first goes out at its next time', {
        after: period.due.toISOString(),
      });
      return 0;
    }
    enqueueOutbox(tx, { taskId: null, topic: DIGEST_TOPIC, payload: { digestId: inserted.id }, at: now });
    ctx.log.info('weekly digest queued', { digestId: inserted.id, due: period.due.toISOString() });
    return 1;
  });
}

/**
 * Delivers a digest: the message (recorded as an attempt first, carrying metadata naming the
 * digest, so an answer lost in a timeout is found in the channel's history rather than posted
 * again), then the chart uploaded into its thread. Each step is saved on the row, so a retry
 * after a failure does only what is left.
 */
export function digestTopic(ctx: DispatchContext, client: WebClient): OutboxTopic {
  const finder = new PostFinder(client, ctx.log);
  const load = (id: number) => ctx.db.select().from(digests).where(eq(digests.id, id)).get();
  const save = (id: number, set: Partial<DigestRow>) =>
    ctx.db.update(digests).set(set).where(eq(digests.id, id)).run();
  return {
    topic: DIGEST_TOPIC,
    maxAttempts: DIGEST_MAX_ATTEMPTS,
    async deliver(item) {
      const id = Number(item.payload.digestId);
      let row = load(id);
      if (!row) return;
      const { config } = ctx;
      const report = buildReport(ctx.db.$client, config, row.since, row.until, 'source', ctx.clock.now(), {
        withLeads: true,
      });
      const labels = labelsOf(config);
      const mark = { kind: 'digest' as const, id: row.id };
      if (!row.ts && row.postAttemptAt) {
        const found = await finder.find(mark, row.channel, null, row.postAttemptAt.getTime());
        if (found) save(id, { ts: found.ts, postedAt: ctx.clock.now() });
      }
      row = load(id) ?? row;
      let ts = row.ts;
      if (!ts) {
        save(id, { postAttemptAt: ctx.clock.now() });
        const posted = await client.chat.postMessage({
          channel: row.channel,
          ...renderDigest(report, labels),
          metadata: postMetadata({ ...mark, version: 1 }),
          unfurl_links: false,
        });
        ts = posted.ts ?? null;
        if (!ts) throw new Error('chat.postMessage returned no ts');
        save(id, { ts, postedAt: ctx.clock.now() });
      }
      if (!row.fileId) {
        const zone = config.team.timezone;
        const title = `${config.team.name}: week to ${dayIn(row.until.getTime(), zone)}`;
        const png = chartPng(chartData(report, labels.agentName, zone, title));
        const uploaded = await client.filesUploadV2({
          channel_id: row.channel,
          thread_ts: ts,
          file: png,
          filename: `digest-${dayIn(row.until.getTime(), zone)}.png`,
          title,
          alt_text:
            'Median time to claim per day against the SLA; first offers per agent against their share',
        });
        const fileId = uploaded.files.flatMap((c) => c.files ?? []).find((f) => f.id)?.id;
        save(id, { fileId: fileId ?? 'uploaded' });
      }
    },
  };
}
