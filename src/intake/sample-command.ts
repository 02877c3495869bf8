import { parseArgs } from 'node:util';
import { loadDispatchConfig } from '../config/load-dispatch.js';
import { sampleRequest, withSecrets } from './sample-lead.js';

export const SAMPLE_USAGE = `  sample-lead --source <name> [--form] [--send <http://host:port>] [--config <dispatch.yml>]
                        print a ready-to-run curl request for that source (its secret and field
                        mapping applied), or send it and print the answer`;

/** Prints a sample request for a source, or sends it: the way to test a connection end to end. */
export async function sampleLeadCommand(argv: string[], usage: string): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  const { values } = parsed;
  if (!values.source) {
    process.stderr.write(`sample-lead needs --source <name>\n\n${usage}\n`);
    return 2;
  }
  const config = loadDispatchConfig(values.config ?? (process.env.DISPATCH_CONFIG || './dispatch.yml'));
  const request = sampleRequest(config, {
    source: values.source,
    form: values.form,
    baseUrl: values.send ?? `http://localhost:${process.env.PORT || 3000}`,
    now: new Date(),
  });
  if (!values.send) {
    process.stdout.write(`${request.curl}\n`);
    return 0;
  }
  const ready = withSecrets(request, (name) => process.env[name]);
  if ('missing' in ready) {
    process.stderr.write(`${ready.missing} is not set: export it (or put it in .env) to send the sample\n`);
    return 1;
  }
  let res: Response;
  try {
    res = await fetch(ready.url, { method: 'POST', headers: ready.headers, body: request.body });
  } catch (error) {
    process.stderr.write(
      `could not reach ${values.send}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  process.stdout.write(`${res.status} ${await res.text()}\n`);
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
