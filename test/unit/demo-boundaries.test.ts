import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/demo/command.js';
import { startPageServer } from '../../src/demo/page-server.js';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

/** Production must not be weakened: the emulator and the demo clock are reachable only from `demo`. */
describe('what the demo adds stays in the demo', () => {
  it('only src/demo/ uses the Slack emulator, and only the CLI`s demo command reaches src/demo/', () => {
    const offenders = sources(SRC).flatMap((file) => {
      if (file.startsWith('demo/') || file.startsWith('slack-emulator/')) return [];
      const text = readFileSync(join(SRC, file), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
      const bad = imports.filter(
        (i) => i.includes('slack-emulator/') || (i.includes('demo/') && file !== 'cli.ts'),
      );
      return bad.map((i) => `${file} imports ${i}`);
    });
    expect(offenders).toEqual([]);
    const cli = readFileSync(join(SRC, 'cli.ts'), 'utf8');
    expect([...cli.matchAll(/from '\.\/demo\/([^']+)'/g)].map((m) => m[1])).toEqual(['command.js']);
  });

  it('start still refuses to run without real tokens', () => {
    // In a folder without a .env, as a newcomer would first try it.
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(SRC, 'cli.ts'), 'start'], {
      cwd: join(ROOT, 'test/fixtures'),
      env: { PATH: process.env.PATH ?? '', DISPATCH_CONFIG: join(ROOT, 'dispatch.example.yml') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN is required');
  }, 40_000);

  it('serves the page on 127.0.0.1 only, for its own host name, and refuses POSTs from another origin', async () => {
    const posts: string[] = [];
    const page = await startPageServer(0, {
      state: () => ({ ok: true }),
      subscribe: () => () => {},
      post: async (path) => {
        posts.push(path);
        return { status: 200, body: { ok: true } };
      },
    });
    try {
      expect(page.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await (await fetch(`${page.url}state`)).json()).toEqual({ ok: true });
      const foreign = await fetch(`${page.url}lead`, {
        method: 'POST',
        headers: { origin: 'http://attacker.example', 'content-type': 'application/json' },
        body: '{"example":"zillow"}',
      });
      expect(foreign.status).toBe(403);
      const own = await fetch(`${page.url}lead`, {
        method: 'POST',
        headers: { origin: page.url.slice(0, -1), 'content-type': 'application/json' },
        body: '{"example":"zillow"}',
      });
      expect(own.status).toBe(200);
      expect(posts).toEqual(['/lead']);
      expect((await fetch(`${page.url}lead`, { method: 'POST', body: '{not json' })).status).toBe(400);
      const port = new URL(page.url).port;
      expect((await fetch(`http://localhost:${port}/state`)).status).toBe(200);
      const rebound = await rawGet(Number(port), 'attacker.example');
      expect(rebound).toBe(421);
    } finally {
      await page.close();
    }
  });

  it('says which port is busy and leaves nothing running or on disk', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    // The demo makes its folder in os.tmpdir(): a private one here, so other tests' demos do not count.
    const scratch = mkdtempSync(join(tmpdir(), 'demo-boundaries-'));
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await demoCommand(['--port', String(port)], {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      expect(code).toBe(1);
      expect(err.join('')).toContain(`port ${port} is in use; pick another with --port`);
      // The way npm passes it on: `npm run demo --port N` would give npm the option, not the demo.
      expect(err.join('')).toContain(`npm run demo -- --port ${port + 1}`);
      expect(out).toEqual([]);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
      rmSync(scratch, { recursive: true, force: true });
      busy.close();
    }
  });

  it('refuses a bad --port or --at with the usage', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t) };
    expect(await demoCommand(['--port', 'http'], io)).toBe(2);
    expect(await demoCommand(['--at', 'tomorrowish'], io)).toBe(2);
    expect(await demoCommand(['--token', 'x'], io)).toBe(2);
    expect(err.join('\n')).toMatch(
      /--port must be a port number[\s\S]*--at must be an ISO time[\s\S]*Usage: lead-dispatch/,
    );
  });
});

/** A GET with a Host header of our choosing (fetch does not let a caller set it). */
function rawGet(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/state', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}
