import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseDispatchConfig } from '../../src/config/load-dispatch.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** "Billion laughs": nine aliases of nine aliases of …, a few lines that expand to 9^7 strings. */
const BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;
const PROBLEM =
  'b: aliases (*name) expand to more than 100 copies, as a YAML alias bomb does; write the values out instead';

describe('a YAML alias bomb in dispatch.yml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-bomb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a ConfigError at the first alias, with its path and line', () => {
    const text = `${readFileSync(join(ROOT, 'dispatch.example.yml'), 'utf8')}\n${BOMB}`;
    const line = text.split('\n').findIndex((l) => l.startsWith('b: &b')) + 1;
    expect(() => parseDispatchConfig(text, 'dispatch.yml')).toThrow(ConfigError);
    expect(() => parseDispatchConfig(text, 'dispatch.yml')).toThrow(
      `dispatch.yml has 1 problem:\n  dispatch.yml:${line}:8  ${PROBLEM}`,
    );
  });

  // `start` reads dispatch.yml through the same loader and prints its ConfigError the same way.
  it('check-config prints that one line, no stack trace, and exits 1', async () => {
    const file = join(dir, 'dispatch.yml');
    writeFileSync(file, BOMB);
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const env = {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-bomb',
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aaaaaa85a5',
      INTAKE_TOKEN: 'intake-test-token-0123456789',
      DISPATCH_CONFIG: file,
      DATABASE_PATH: join(dir, 'dispatch.db'),
    };
    for (const args of [['check-config', file]]) {
      const run = promisify(execFile)(tsx, ['src/cli.ts', ...args], { cwd: ROOT, env });
      const failure = (await run.then(
        () => undefined,
        (error: unknown) => error,
      )) as { code?: number; stderr?: string } | undefined;
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toBe(`lead-dispatch: ${file} has 1 problem:\n  ${file}:2:8  ${PROBLEM}\n`);
    }
  }, 120_000);
});
