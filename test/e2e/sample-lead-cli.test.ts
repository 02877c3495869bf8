import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLeadCommand } from '../../src/intake/sample-command.js';
import { INTAKE_TOKEN, useHarness } from '../support/harness.js';
import { SOURCE_SECRETS, SOURCES_CONFIG, SOURCES_YAML } from '../support/intake-sources.js';

const CONFIG_PATH = join(mkdtempSync(join(tmpdir(), 'sample-lead-')), 'dispatch.yml');
writeFileSync(CONFIG_PATH, SOURCES_YAML);

/** `lead-dispatch sample-lead` as a user runs it, with only INTAKE_TOKEN in their environment. */
async function sampleLead(args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const io = { env, out: (t: string) => (out += t), err: (t: string) => (err += t) };
  const code = await sampleLeadCommand([...args, '--config', CONFIG_PATH], 'usage', io);
  return { code, out, err };
}

describe('lead-dispatch sample-lead', () => {
  const h = useHarness({ config: SOURCES_CONFIG, secrets: SOURCE_SECRETS });
  const env = { INTAKE_TOKEN };

  it("uses INTAKE_TOKEN, and says so, while a source's own secret is not set", async () => {
    const printed = await sampleLead(['--source', 'kvcore'], env);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain(`Bearer \${INTAKE_TOKEN}`);
    expect(printed.out).not.toContain('KVCORE_INTAKE_SECRET');
    expect(printed.err).toContain('KVCORE_INTAKE_SECRET is not set, so /leads/kvcore takes INTAKE_TOKEN');

    const sent = await sampleLead(['--source', 'kvcore', '--send', h.baseUrl], env);
    expect([sent.code, sent.out]).toEqual([0, expect.stringMatching(/^202 \{"id":\d+\}/)]);
    await h.double.waitForPost({ textIncludes: 'Sample Lead' });
    // A form source with its secret in the path: INTAKE_TOKEN goes in a header, never in a URL.
    const form = await sampleLead(['--source', 'website', '--form', '--send', h.baseUrl], env);
    expect(form.err).toContain('in a header (never in a URL)');
    expect(form.out).toMatch(/^202 /);
    expect(form.code).toBe(0);
  });

  it('uses the source secret when it is set', async () => {
    const printed = await sampleLead(['--source', 'kvcore'], { ...env, ...SOURCE_SECRETS });
    expect(printed.out).toContain(`Bearer \${KVCORE_INTAKE_SECRET}`);
    expect(printed.err).toBe('');
  });

  it('names the configured sources when asked for one that is not', async () => {
    const res = await sampleLead(['--source', 'nosuch'], env);
    expect(res.code).toBe(2);
    expect(res.out).toBe('');
    expect(res.err).toContain('no source "nosuch"');
    expect(res.err).toContain('its sources are zillow, kvcore, website, realtor.com');
  });
});
