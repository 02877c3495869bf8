import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvLookup } from '../config/source-warnings.js';
import { sourceSecretWarnings } from '../config/source-warnings.js';
import { knownTypes } from '../core/classify.js';
import { resolveSource } from '../core/sources.js';
import { walSyncOf } from '../db/wal-sync.js';
import { noteWriteFailure } from '../db/write-health.js';
import type { DispatchContext } from '../dispatch/context.js';
import { type ReceiveResult, receiveTask } from '../dispatch/receive.js';
import { sendJson } from '../http/json.js';
import { authorize, intakeRoute } from './auth.js';
import type { LeadIssue } from './body-shape.js';
import { mediaType, parseBody } from './parse-body.js';
import { BodyTooLarge, readBodyBytes } from './read-body.js';
import { filledHoneypot, type Lead, readLead, sourceNamedIn } from './read-lead.js';

export const MAX_LEAD_BYTES = 100 * 1024;

/** The paths intake answers; the handler reads which one from the URL. */
export const INTAKE_PATHS = ['/leads', '/leads/:source', '/leads/:source/:secret'];

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

export interface IntakeOptions {
  token: string;
  /** Reads a source's secret from the environment by the variable dispatch.yml names. */
  env: EnvLookup;
  /**
   * Called once a new task is committed, while it goes to the disk: the engine routes it and makes
   * its offer's DM, which it sends once `answered` settles (the 202 written). engine.taskReceived.
   */
  taskReceived: (taskId: number, answered: Promise<void>) => void;
}

/**
 * `POST /leads[/<source>[/<secret>]]`: authenticate, read, store, answer — in that order. Only a
 * request that is not a lead (no source, no id, not JSON or a form) is refused; any other field
 * that cannot be read is kept as sent and flagged on the task.
 */
export function leadIntakeHandler(ctx: DispatchContext, options: IntakeOptions) {
  for (const w of sourceSecretWarnings(ctx.config, options.env))
    ctx.log.warn('source secret unusable', { source: String(w.path[1]), problem: w.message });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    /** Set once the lead is committed: a failure after that is the disk's, and the lead is kept. */
    let stored: ReceiveResult | undefined;
    try {
      // Never log req.url: for /leads/<source>/<secret> it holds the secret.
      const route = intakeRoute(req.url);
      if (!route) return sendJson(res, 404, { error: 'not found' });
      const auth = authorize(route, req.headers, {
        token: options.token,
        config: ctx.config,
        env: options.env,
      });
      if (!auth.ok) return sendJson(res, 401, { error: auth.error });
      const type = mediaType(req.headers['content-type']);
      if (!BODY_TYPES.includes(type) && !type.endsWith('+json')) {
        return sendJson(res, 415, {
          error:
            'send the lead as JSON (Content-Type: application/json) or as a form (application/x-www-form-urlencoded)',
        });
      }
      let raw: Buffer;
      try {
        raw = await readBodyBytes(req, MAX_LEAD_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge)
          return sendJson(res, 413, { error: `body is larger than ${MAX_LEAD_BYTES / 1024} kB` });
        throw error;
      }
      const parsed = parseBody(req.headers['content-type'], raw);
      if (!parsed.ok) {
        if (parsed.status === 415) return sendJson(res, 415, { error: parsed.error });
        return invalid(res, parsed.error, [{ path: '(body)', message: parsed.detail ?? parsed.error }]);
      }
      const source = auth.source ?? sourceNamedIn(ctx.config, parsed.body);
      if (filledHoneypot(parsed.body, source?.settings?.honeypot)) {
        // Answered as a lead is, so the bot learns nothing; counted in the log, never stored.
        ctx.log.info('honeypot filled: not stored', { source: source?.name });
        return sendJson(res, 202, {});
      }
      const read = readLead(parsed.body, {
        fields: source?.settings?.fields,
        knownTypes: knownTypes(ctx.config),
        now: ctx.clock.now(),
        source: auth.source?.name,
        sourceType: source?.settings?.type,
        deriveId: route.kind !== 'global',
      });
      if (!read.ok) return invalid(res, 'invalid lead', read.issues);
      const lead = { ...read.lead, source: resolveSource(ctx.config, read.lead.source).name };
      const result = receiveTask(ctx, lead);
      stored = result;
      // Answered only once the lead is on disk, not only in the OS's cache: it survives a power cut.
      // A failed fsync rejects, and the catch below answers 503.
      const answered = walSyncOf(ctx.db)
        .durable()
        .then(() => answer(ctx, res, result, lead));
      // The engine routes the lead and makes its DM while the disk works; the DM leaves after the 202.
      if (!result.duplicate) handOver(ctx, options, result.id, answered);
      await answered;
    } catch (error) {
      ctx.log.error('intake failed', { error: error instanceof Error ? error.message : String(error) });
      if (res.headersSent) return;
      // Storage that cannot take the lead now (disk full, read-only, locked): a 503 a CRM retries.
      const storage = noteWriteFailure(ctx.db, error);
      if (storage) {
        res.setHeader('retry-after', String(storage.retryAfterSeconds));
        return sendJson(res, 503, {
          error: stored
            ? `the disk could not confirm the lead (${storage.reason}); please retry later: the retry is answered as the same lead`
            : `the database cannot be written (${storage.reason}); the lead was not stored, please retry later`,
        });
      }
      sendJson(res, 500, { error: 'internal error; the lead was not stored, please retry' });
    }
  };
}

/**
 * Gives the committed task to the engine. Routing that throws is logged and left to the sweeper
 * (within a second): the sender is still answered for the lead it stored.
 */
function handOver(
  ctx: DispatchContext,
  options: IntakeOptions,
  taskId: number,
  answered: Promise<void>,
): void {
  try {
    options.taskReceived(taskId, answered);
  } catch (error) {
    ctx.log.error('routing a new lead failed; the sweeper routes it', { taskId, error: String(error) });
  }
}

/** The answer for a stored lead: 202, or 200 for a repeat of one already stored. */
function answer(ctx: DispatchContext, res: ServerResponse, result: ReceiveResult, lead: Lead): void {
  if (result.duplicate) {
    ctx.log.info('duplicate lead ignored', { taskId: result.id, source: lead.source });
    sendJson(res, 200, { id: result.id, duplicate: true });
    return;
  }
  // Field names only: what was sent in them may be a name, a phone or an email.
  const flagged = lead.notes.map((n) => n.field);
  ctx.log.info('lead received', {
    taskId: result.id,
    source: lead.source,
    ...(flagged.length ? { flagged } : {}),
  });
  sendJson(res, 202, { id: result.id });
}

function invalid(res: ServerResponse, error: string, issues: LeadIssue[]): void {
  sendJson(res, 400, { error, issues });
}
