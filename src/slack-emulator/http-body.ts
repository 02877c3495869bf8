import type { IncomingMessage } from 'node:http';
import { isRecord } from './blocks.js';

// @slack/web-api JSON-encodes object arguments inside form bodies; only these are known to be objects,
// so a text such as "[1]" is never mistaken for JSON.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);

export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return isRecord(parsed) ? parsed : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!JSON_FIELDS.has(key)) {
      args[key] = value;
      continue;
    }
    try {
      args[key] = JSON.parse(value);
    } catch {
      args[key] = value;
    }
  }
  return args;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

export const truthy = (value: unknown): boolean => value === true || value === 'true';
