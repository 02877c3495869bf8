import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { type EnvLookup, secretProblem } from '../config/source-warnings.js';
import { type ResolvedSource, resolveSource } from '../core/sources.js';

/** Which intake endpoint a request came to. */
export type IntakeRoute =
  | { kind: 'global' }
  | { kind: 'source'; source: string }
  | { kind: 'secret-in-path'; source: string; secret: string };

export const SECRET_HEADER = 'x-lead-dispatch-secret';

/** `/leads`, `/leads/<source>` or `/leads/<source>/<secret>`; undefined for anything else. */
export function intakeRoute(url: string | undefined): IntakeRoute | undefined {
  const path = new URL(url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'leads' || parts.length > 3) return undefined;
  let decoded: string[];
  try {
    decoded = parts.slice(1).map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const [source, secret] = decoded;
  if (source === undefined) return { kind: 'global' };
  if (source.trim() === '') return undefined;
  return secret === undefined ? { kind: 'source', source } : { kind: 'secret-in-path', source, secret };
}

export interface AuthInputs {
  /** INTAKE_TOKEN, good for every endpoint except a URL path (it must never be written into one). */
  token: string;
  config: DispatchConfig;
  env: EnvLookup;
}

export type AuthResult = { ok: true; source?: ResolvedSource } | { ok: false; error: string };

/**
 * `/leads` takes INTAKE_TOKEN as a Bearer token, as it always has. `/leads/<source>` takes that
 * source's own secret (or INTAKE_TOKEN) as a Bearer token or in X-Lead-Dispatch-Secret; the path
 * form only that source's secret, and only when it allows it. Every comparison is constant-time.
 */
export function authorize(route: IntakeRoute, headers: IncomingHttpHeaders, inputs: AuthInputs): AuthResult {
  if (route.kind === 'global') {
    return same(headers.authorization ?? '', `Bearer ${inputs.token}`)
      ? { ok: true }
      : { ok: false, error: 'missing or wrong intake token: send Authorization: Bearer <INTAKE_TOKEN>' };
  }
  const source = resolveSource(inputs.config, route.source);
  const variable = source.settings?.secret_env;
  const secret = variable === undefined ? undefined : inputs.env(variable);
  const usable = variable !== undefined && secretProblem(variable, secret) === undefined ? secret : undefined;
  if (route.kind === 'secret-in-path') {
    const allowed = source.settings?.secret_in_path === true && usable !== undefined;
    // Compared even when not allowed, so the answer takes as long either way.
    const matches = same(route.secret, usable ?? '');
    return allowed && matches
      ? { ok: true, source }
      : { ok: false, error: `wrong secret, or source ${source.name} does not take its secret in the URL` };
  }
  const presented = bearer(headers.authorization) ?? header(headers[SECRET_HEADER]) ?? '';
  const byToken = same(presented, inputs.token);
  const bySecret = same(presented, usable ?? '') && usable !== undefined;
  if (byToken || bySecret) return { ok: true, source };
  const what = variable === undefined ? 'INTAKE_TOKEN' : `the secret in ${variable}`;
  return {
    ok: false,
    error: `missing or wrong secret for source ${source.name}: send Authorization: Bearer <${what}> or X-Lead-Dispatch-Secret`,
  };
}

function bearer(value: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(value ?? '');
  return m?.[1]?.trim();
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Equal, in time that does not depend on where they differ (both are hashed to one length first). */
function same(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(a), digest(b)) && a !== '';
}
