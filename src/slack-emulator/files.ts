import { ApiError } from './api-error.js';
import { isRecord, str } from './blocks.js';

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface UploadedFile {
  id: string;
  filename: string;
  /** The length announced in getUploadURLExternal; the bytes sent must match it. */
  length: number;
  altText?: string | undefined;
  bytes?: Buffer;
  /** Set by completeUploadExternal: where it was shared, and under which title. */
  shared?: {
    channel: string;
    threadTs?: string | undefined;
    title?: string | undefined;
    comment?: string | undefined;
    at: number;
  };
}

/** The file's bytes as an upload URL receives them: a multipart form's file part, or the raw body. */
export async function uploadedBytes(
  raw: Buffer,
  contentType: string | undefined,
): Promise<Buffer | undefined> {
  if (!contentType?.includes('multipart/form-data')) return raw;
  const form = await new Request('http://upload.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  for (const value of form.values())
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  return undefined;
}

/**
 * Slack's files.uploadV2 in three steps, as strict as Slack: an upload URL for a named file of a
 * stated length, the bytes POSTed to it (the wrong length is refused), then completion, which shares
 * the file in a conversation or thread that must exist.
 */
export class FileStore {
  readonly files = new Map<string, UploadedFile>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly nextId: (prefix: string) => string,
    private readonly canWrite: () => boolean,
  ) {}

  uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    if (!this.canWrite()) throw new ApiError('missing_scope');
    const filename = str(args.filename);
    const length = Number(str(args.length) ?? Number.NaN);
    if (!filename || !Number.isInteger(length) || length < 1) throw new ApiError('invalid_arguments');
    const id = this.nextId('F');
    this.files.set(id, { id, filename, length, altText: str(args.alt_text) });
    return { upload_url: `${this.baseUrl()}/upload/${id}`, file_id: id };
  }

  /** Slack's upload URL answers 200 "OK - <bytes>"; an unknown URL 404, the wrong size 400. */
  upload(id: string, bytes: Buffer | undefined): { status?: number; body: string } {
    const file = this.files.get(id);
    if (!file || file.shared) return { status: 404, body: 'not found' };
    if (!bytes || bytes.length !== file.length) return { status: 400, body: 'length does not match' };
    file.bytes = bytes;
    return { body: `OK - ${bytes.length}` };
  }

  complete(
    args: Record<string, unknown>,
    at: number,
    /** The conversation a channel id names, and whether a message with that ts is in it. */
    conversation: (channelId: string) => string,
    hasMessage: (channel: string, ts: string) => boolean,
  ): Record<string, unknown> {
    if (!this.canWrite()) throw new ApiError('missing_scope');
    const raw = str(args.files);
    let listed: unknown;
    try {
      listed = raw ? JSON.parse(raw) : undefined;
    } catch {
      throw new ApiError('invalid_arguments');
    }
    if (!Array.isArray(listed) || listed.length === 0) throw new ApiError('invalid_arguments');
    const files = listed.map((entry) => {
      const file = isRecord(entry) ? this.files.get(str(entry.id) ?? '') : undefined;
      // A file whose bytes never arrived cannot be completed.
      if (!file?.bytes || file.shared) throw new ApiError('file_not_found');
      return { file, title: isRecord(entry) ? str(entry.title) : undefined };
    });
    const channelId = str(args.channel_id);
    const channel = channelId ? conversation(channelId) : undefined;
    const threadTs = str(args.thread_ts);
    if (threadTs && !(channel && hasMessage(channel, threadTs))) throw new ApiError('thread_not_found');
    for (const { file, title } of files)
      file.shared = channel
        ? { channel, threadTs, title, comment: str(args.initial_comment), at }
        : { channel: '', title, at };
    return {
      files: files.map(({ file, title }) => ({
        id: file.id,
        name: file.filename,
        title: title ?? file.filename,
      })),
    };
  }

  /** The files shared in a conversation (a thread's when `threadTs` is given), oldest first. */
  sharedIn(channel: string, threadTs?: string): UploadedFile[] {
    return [...this.files.values()].filter(
      (f) => f.shared?.channel === channel && (threadTs === undefined || f.shared.threadTs === threadTs),
    );
  }
}
