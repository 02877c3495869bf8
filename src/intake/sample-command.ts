import { parseArgs } from 'node:util';
import { loadDispatchConfig } from '../config/load-dispatch.js';
import { resolveSource } from '../core/sources.js';
import { sampleRequest, withSecrets } from './sample-lead.js';

export const SAMPLE_USAGE = `  sample-lead --source <name> [--form] [--send <http://host:port>] [--config <dispatch.yml>]
                        print a ready-to-run curl request for that source (its secret and field
                        mapping applied), or send it and print the answer`;

/** Where the command reads its environment (with .env loaded) and writes. */
export interface SampleIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Prints a sample request for a source, or sends it: the way to test a connection end to end. */
export async function sampleLeadCommand(argv: string[], usage: string, io: SampleIo): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  const { values } = parsed;
  if (!values.source) {
    io.err(`sample-lead needs --source <name>\n\n${usage}\n`);
    return 2;
  }
  const path = values.config ?? (io.env.DISPATCH_CONFIG || './dispatch.yml');
  const config = loadDispatchConfig(path);
  if (!resolveSource(config, values.source).settings) {
    const names = Object.keys(config.source_settings);
    io.err(
      `no source "${values.source}" in ${path}: ${names.length > 0 ? `its sources are ${names.join(', ')}` : 'it names no sources'}\n`,
    );
    return 2;
  }
  const env = (name: string) => io.env[name];
  const request = sampleRequest(config, {
    source: values.source,
    form: values.form,
    baseUrl: values.send ?? `http://localhost:${io.env.PORT || 3000}`,
    now: new Date(),
    env,
  });
  if (request.notice) io.err(`${request.notice}\n`);
  if (!values.send) {
    io.out(`${request.curl}\n`);
    return 0;
  }
  const ready = withSecrets(request, env);
  if ('missing' in ready) {
    io.err(`${ready.missing} is not set: export it (or put it in .env) to send the sample\n`);
    return 1;
  }
  let res: Response;
  try {
    res = await fetch(ready.url, { method: 'POST', headers: ready.headers, body: request.body });
  } catch (error) {
    io.err(`could not reach ${values.send}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  io.out(`${res.status} ${await res.text()}\n`);
  return res.ok ? 0 : 1;
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      source: { type: 'string' },
      form: { type: 'boolean', default: false },
      send: { type: 'string' },
      config: { type: 'string' },
    },
    allowPositionals: true,
  });
}
