import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fubSignature } from '../../src/crm/fub/signature.js';

export const FUB_API_KEY = 'fka_test_0123456789abcdef';
export const FUB_SYSTEM = 'LeadDispatchTest';
export const FUB_SYSTEM_KEY = 'fub-system-key-test-0123456789';

export interface DoublePerson {
  id: number;
  firstName?: string;
  lastName?: string;
  name?: string;
  source?: string;
  stage?: string;
  tags?: string[];
  price?: number;
  assignedUserId?: number | null;
  assignedPondId?: number | null;
  assignedTo?: string | null;
  emails?: Array<{ value: string; type?: string; isPrimary?: boolean }>;
  phones?: Array<{ value: string; type?: string; isPrimary?: boolean }>;
  addresses?: Array<{
    type?: string;
    street?: string;
    city?: string;
    state?: string;
    code?: string;
    country?: string;
  }>;
  created?: string;
  updated?: string;
}

export interface DoubleUser {
  id: number;
  name: string;
  email: string;
  role?: string;
}

export interface DoubleNote {
  id: number;
  personId: number;
  subject: string;
  body: string;
  created: string;
}

export interface DoubleTask {
  id: number;
  personId: number;
  assignedUserId: number;
  name: string;
  type: string;
  dueDateTime: string;
  isCompleted: boolean;
}

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
}

interface Injected {
  method?: string;
  /** The path must start with this (after /v1/), e.g. 'notes' or 'people/12'. */
  path?: string;
  status: number;
  retryAfter?: number;
  /** Do the work, then answer with the failure: a write whose answer was lost. */
  afterHandling?: boolean;
  times: number;
}

/**
 * A stateful Follow Up Boss API on 127.0.0.1: people, users, notes, tasks and webhooks, with
 * FUB's Basic auth and X-System checks (401 without them), its collection shapes
 * (`{ _metadata, people|users|notes|tasks|webhooks }`) and error body (`{ errorMessage }`). It signs
 * the webhooks it sends as FUB does, and can be told to answer 429 (with Retry-After) or 5xx, or
 * to answer slowly.
 */
export class FubDouble {
  readonly people = new Map<number, DoublePerson>();
  readonly users: DoubleUser[] = [];
  readonly notes: DoubleNote[] = [];
  readonly tasks: DoubleTask[] = [];
  readonly webhooks: Array<{ id: number; event: string; url: string; system: string; status: string }> = [];
  readonly calls: RecordedCall[] = [];
  delayMs = 0;
  /** `GET /users?email=` answers every user, as a loose search may: the caller must pick the exact one. */
  looseUserSearch = false;
  private injected: Injected[] = [];
  private nextId = 1000;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  static async start(): Promise<FubDouble> {
    const double = new FubDouble();
    await new Promise<void>((resolve) => double.server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addPerson(person: Omit<DoublePerson, 'id'> & { id?: number }): DoublePerson {
    const id = person.id ?? this.nextId++;
    const stored: DoublePerson = { stage: 'Lead', tags: [], assignedUserId: null, ...person, id };
    this.people.set(id, stored);
    return stored;
  }

  addUser(user: DoubleUser): void {
    this.users.push(user);
  }

  /** The next `times` matching calls fail with `status`. */
  fail(failure: Partial<Injected> & { status: number }): void {
    this.injected.push({ times: 1, ...failure });
  }

  /** FUB is healthy again: injected failures and slowness end (what they did stays done). */
  clearFailures(): void {
    this.injected = [];
    this.delayMs = 0;
  }

  callsTo(method: string, pathPrefix: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.path.startsWith(pathPrefix));
  }

  /** The body FUB would send for an event, signed as FUB signs it. */
  webhookBody(event: string, resourceIds: number[], at: Date, eventId: string = randomUUID()): string {
    return JSON.stringify({
      eventId,
      eventCreated: at.toISOString(),
      event,
      resourceIds,
      uri: `${this.apiUrl}people?id=${resourceIds.join(',')}`,
    });
  }

  /** POSTs a webhook to the app as FUB does; `signature: null` sends none, a string sends that one. */
  sendWebhook(url: string, body: string, options: { signature?: string | null } = {}): Promise<Response> {
    const signature =
      options.signature === undefined ? fubSignature(body, FUB_SYSTEM_KEY) : options.signature;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'fub-signature': signature }),
      },
      body,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/v1\//, '');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({ method, path: `${path}${url.search}`, status });
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!this.authorized(req)) {
      return send(401, { errorMessage: 'Invalid API key or missing X-System / X-System-Key headers.' });
    }
    const failure = this.takeFailure(method, path);
    if (failure && !failure.afterHandling) return this.sendFailure(send, failure);
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(400, { errorMessage: 'Invalid JSON body.' });
      }
    }
    const [status, answer] = this.route(method, path, url.searchParams, body);
    if (failure) return this.sendFailure(send, failure);
    send(status, answer);
  }

  private sendFailure(send: (s: number, b: unknown, h?: Record<string, string>) => void, f: Injected): void {
    const headers: Record<string, string> =
      f.retryAfter === undefined ? {} : { 'retry-after': String(f.retryAfter) };
    send(
      f.status,
      { errorMessage: f.status === 429 ? 'Rate limit exceeded.' : 'Internal server error.' },
      headers,
    );
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${FUB_API_KEY}:`).toString('base64')}`;
    return (
      req.headers.authorization === expected &&
      req.headers['x-system'] === FUB_SYSTEM &&
      req.headers['x-system-key'] === FUB_SYSTEM_KEY
    );
  }

  private takeFailure(method: string, path: string): Injected | undefined {
    const found = this.injected.find(
      (f) => (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)) && f.times > 0,
    );
    if (!found) return undefined;
    found.times -= 1;
    this.injected = this.injected.filter((f) => f.times > 0);
    return found;
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
  ): [number, unknown] {
    const notFound: [number, unknown] = [404, { errorMessage: 'Resource not found.' }];
    const personMatch = /^people\/(\d+)$/.exec(path);
    if (personMatch) {
      const person = this.people.get(Number(personMatch[1]));
      if (!person) return notFound;
      if (method === 'GET') return [200, person];
      if (method === 'PUT') {
        if (typeof body.assignedUserId === 'number') {
          const user = this.users.find((u) => u.id === body.assignedUserId);
          if (!user) return [400, { errorMessage: 'Invalid assignedUserId.' }];
          person.assignedUserId = user.id;
          person.assignedTo = user.name;
        }
        if (typeof body.stage === 'string') person.stage = body.stage;
        return [200, person];
      }
    }
    const page = <T>(key: string, items: T[]) =>
      [200, { _metadata: { collection: key, offset: 0, limit: 100, total: items.length }, [key]: items }] as [
        number,
        unknown,
      ];
    if (path === 'users' && method === 'GET') {
      const email = query.get('email')?.toLowerCase();
      if (!email || this.looseUserSearch) return page('users', this.users);
      return page(
        'users',
        this.users.filter((u) => u.email.toLowerCase() === email),
      );
    }
    if (path === 'notes' || path === 'tasks') {
      const personId = Number(query.get('personId'));
      if (method === 'GET') {
        const list: Array<DoubleNote | DoubleTask> = path === 'notes' ? this.notes : this.tasks;
        return page(path, personId ? list.filter((n) => n.personId === personId) : list);
      }
      if (method === 'POST') return this.create(path, body);
    }
    if (path === 'webhooks') {
      if (method === 'GET') return page('webhooks', this.webhooks);
      if (method === 'POST') {
        if (
          typeof body.event !== 'string' ||
          typeof body.url !== 'string' ||
          !body.url.startsWith('https://')
        )
          return [400, { errorMessage: 'event and an https url are required.' }];
        const hook = {
          id: this.nextId++,
          event: body.event,
          url: body.url,
          system: FUB_SYSTEM,
          status: 'Active',
        };
        this.webhooks.push(hook);
        return [201, hook];
      }
    }
    return notFound;
  }

  private create(path: 'notes' | 'tasks', body: Record<string, unknown>): [number, unknown] {
    const personId = Number(body.personId);
    if (!this.people.has(personId)) return [400, { errorMessage: 'Invalid personId.' }];
    if (path === 'notes') {
      const note: DoubleNote = {
        id: this.nextId++,
        personId,
        subject: String(body.subject ?? ''),
        body: String(body.body ?? ''),
        created: new Date().toISOString(),
      };
      this.notes.push(note);
      return [201, note];
    }
    const assignedUserId = Number(body.assignedUserId);
    if (!this.users.some((u) => u.id === assignedUserId))
      return [400, { errorMessage: 'Invalid assignedUserId.' }];
    const task: DoubleTask = {
      id: this.nextId++,
      personId,
      assignedUserId,
      name: String(body.name ?? ''),
      type: String(body.type ?? 'Follow Up'),
      dueDateTime: String(body.dueDateTime ?? ''),
      isCompleted: false,
    };
    this.tasks.push(task);
    return [201, task];
  }
}
