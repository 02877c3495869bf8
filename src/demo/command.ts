import { parseArgs } from 'node:util';
import { startDemo } from './demo.js';

export const DEMO_USAGE = `  demo [--port 3000] [--at <ISO time>]
                        try it without Slack: the real app, the example team and a Slack
                        emulator in your browser, all on 127.0.0.1; nothing is kept`;

export interface DemoIo {
  out(text: string): void;
  err(text: string): void;
}

/** Starts the demo and prints the one line to open; resolves -1 (keep running) or an exit code. */
export async function demoCommand(argv: string[], io: DemoIo): Promise<number> {
  let values: { port?: string; at?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, at: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    io.err(
      `${error instanceof Error ? error.message : String(error)}\n\nUsage: lead-dispatch${DEMO_USAGE}\n`,
    );
    return 2;
  }
  const port = Number(values.port ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`--port must be a port number, such as 3000 (got "${values.port}")\n`);
    return 2;
  }
  const at = values.at === undefined ? undefined : new Date(values.at);
  if (at && Number.isNaN(at.getTime())) {
    io.err(`--at must be an ISO time such as 2026-11-25T10:40:00-06:00 (got "${values.at}")\n`);
    return 2;
  }
  let demo: Awaited<ReturnType<typeof startDemo>>;
  try {
    demo = await startDemo({ port, at });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')) throw error;
    // npm passes options to the script only after `--`: `npm run demo --port 3001` would not.
    io.err(
      `lead-dispatch: port ${port} is in use; pick another with --port, such as ` +
        `npm run demo -- --port ${port + 1} (or lead-dispatch demo --port ${port + 1})\n`,
    );
    return 1;
  }
  io.out(`lead-dispatch demo: open ${demo.url} (Ctrl-C stops it; nothing is kept)\n`);
  const shutdown = async () => {
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  return -1;
}
