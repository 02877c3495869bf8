import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DispatchConfig } from './config/dispatch-schema.js';
import { type Env, EnvError, readEnv } from './config/env.js';
import {
  ConfigError,
  loadDispatchConfig,
  loadDispatchConfigWithWarnings,
  warningLine,
} from './config/load-dispatch.js';
import { RELOAD_USAGE, reloadCommand } from './config/reload-command.js';
import { type CliIo, FUB_USAGE, fubCommand } from './crm/fub/cli.js';
import { BACKUP_USAGE, backupCommand, restoreCommand } from './db/backup-cli.js';
import { migrateDatabase, openDatabase } from './db/connection.js';
import { DEMO_USAGE, demoCommand } from './demo/command.js';
import { OUTBOX_USAGE, outboxCommand } from './engine/outbox/cli.js';
import { SAMPLE_USAGE, sampleLeadCommand } from './intake/sample-command.js';
import { startServer } from './main.js';
import { FORGET_USAGE, forgetCommand } from './privacy/forget-cli.js';
import { REPORT_USAGE, reportCommand } from './reports/cli.js';
import { simulateCommand } from './simulate/command.js';
import { WHAT_IF_USAGE } from './simulate/what-if-command.js';
import { WEBHOOKS_USAGE, webhooksCommand } from './webhooks/cli.js';

const USAGE = `Usage: lead-dispatch <command>

Commands:
  start                 start the Slack app, intake (POST /leads) and the sweeper
${DEMO_USAGE}
  migrate               create or upgrade the database at DATABASE_PATH, then exit
  check-config [file]   validate a dispatch.yml (default: DISPATCH_CONFIG or ./dispatch.yml)
${RELOAD_USAGE}
  simulate --config <dispatch.yml> --leads <leads.csv|leads.json> [--json]
                        replay past leads through the rules; touches no Slack and no database
${WHAT_IF_USAGE}
${REPORT_USAGE}
${SAMPLE_USAGE}
${OUTBOX_USAGE}
${WEBHOOKS_USAGE}
${FUB_USAGE}
${BACKUP_USAGE}
${FORGET_USAGE}
  help                  show this text`;

const io: CliIo = {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command, ...rest] = positionals;
  // The demo needs no tokens and reads no .env: it runs the same wherever it is started.
  if (command === 'demo') return demoCommand(argv.slice(argv.indexOf(command) + 1), io);
  // A .env file in the working directory is the easy way to keep tokens out of shell history.
  if (existsSync('.env')) process.loadEnvFile('.env');
  switch (command) {
    case 'start': {
      const inputs = readStartupInputs();
      // `kill -HUP <pid>` (systemctl reload) reloads dispatch.yml; a bad file is kept out and reported.
      // Listened for from the first moment, since Node's default for SIGHUP is to exit; one that
      // arrives while the app is still starting is dropped (send it again once /healthz answers).
      let running: Awaited<ReturnType<typeof startServer>> | undefined;
      process.on('SIGHUP', () => running?.reload('signal'));
      const server = await startServer({ ...inputs, configFile: inputs.env.DISPATCH_CONFIG });
      running = server;
      const shutdown = async (signal: string) => {
        process.stderr.write(`${signal}: stopping lead-dispatch\n`);
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      return -1;
    }
    case 'migrate': {
      const path = process.env.DATABASE_PATH || './data/dispatch.db';
      const db = openDatabase(path);
      migrateDatabase(db);
      db.$client.close();
      process.stdout.write(`database ${path} is up to date\n`);
      return 0;
    }
    case 'check-config': {
      const file = rest[0] ?? (process.env.DISPATCH_CONFIG || './dispatch.yml');
      // Warnings leave the file usable, so they print and the exit code stays 0.
      const { config, warnings } = loadDispatchConfigWithWarnings(file, (name) => process.env[name]);
      for (const w of warnings) process.stdout.write(`warning: ${warningLine(file, w)}\n`);
      const count =
        warnings.length === 1 ? ', 1 warning' : warnings.length > 1 ? `, ${warnings.length} warnings` : '';
      process.stdout.write(
        `${file} is valid: ${config.agents.length} agents, ${config.rules.length} rules${count}\n`,
      );
      return 0;
    }
    case 'reload':
      return reloadCommand(argv.slice(argv.indexOf(command) + 1), io);
    case 'simulate':
      return simulateCommand(
        argv.filter((_, i) => i !== argv.indexOf('simulate')),
        USAGE,
      );
    case 'report':
      return reportCommand(argv.slice(argv.indexOf(command) + 1), io);
    case 'sample-lead':
      return sampleLeadCommand(
        argv.filter((_, i) => i !== argv.indexOf('sample-lead')),
        USAGE,
        io,
      );
    // Their own options (--url, --all-dead) are parsed by them, from the words after the command.
    case 'outbox':
      return outboxCommand(argv.slice(argv.indexOf(command) + 1), io);
    case 'webhooks':
      return webhooksCommand(argv.slice(argv.indexOf(command) + 1), io);
    case 'fub':
      return fubCommand(argv.slice(argv.indexOf(command) + 1), io);
    case 'backup':
      return backupCommand(argv.slice(argv.indexOf(command) + 1), io);
    case 'restore':
      return restoreCommand(argv.slice(argv.indexOf(command) + 1), io, new Date());
    case 'forget':
      return forgetCommand(argv.slice(argv.indexOf(command) + 1), io, new Date());
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      if (argv.includes('--help') || argv.includes('-h')) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      process.stderr.write(`${USAGE}\n`);
      return 2;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

/** Reads the environment and dispatch.yml, reporting the problems of both at once. */
function readStartupInputs(): { env: Env; config: DispatchConfig } {
  const problems: string[] = [];
  let env: Env | undefined;
  let config: DispatchConfig | undefined;
  try {
    env = readEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    const hint = existsSync('.env')
      ? ''
      : '\n  (no .env in this folder: cp .env.example .env, then fill it in)';
    problems.push(`environment problem:\n  ${error.problems.join('\n  ')}${hint}`);
  }
  try {
    config = loadDispatchConfig(env?.DISPATCH_CONFIG ?? (process.env.DISPATCH_CONFIG || './dispatch.yml'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }
  if (!env || !config) throw new StartupError(problems);
  return { env, config };
}

class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** A user's mistake (environment, config, a path, a port) in one line; only our own bugs get a stack. */
function describeStartupError(error: unknown): string {
  if (error instanceof StartupError) return error.problems.join('\nlead-dispatch: ');
  if (error instanceof EnvError) return `environment problem:\n  ${error.problems.join('\n  ')}`;
  if (error instanceof ConfigError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error ? String(error.code) : '';
  if (code === 'EADDRINUSE') return `port is already in use (${error.message}); set PORT to a free port`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `cannot listen on HOST=${process.env.HOST ?? ''} (${error.message}); set HOST to an address of this machine, or unset it for every interface`;
  if ('syscall' in error && 'path' in error)
    return `${error.message} (check DATABASE_PATH and DISPATCH_CONFIG)`;
  if (code.startsWith('SQLITE_')) return `database error: ${error.message} (check DATABASE_PATH)`;
  if (code === 'slack_webapi_platform_error' || code === 'slack_webapi_request_error') {
    return `Slack refused to start us: ${error.message} (check SLACK_BOT_TOKEN and SLACK_API_URL)`;
  }
  return error.stack ?? error.message;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    // A user's mistake gets one clear message, never a stack trace.
    process.stderr.write(`lead-dispatch: ${describeStartupError(error)}\n`);
    process.exit(1);
  },
);
