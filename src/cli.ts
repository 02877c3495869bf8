import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EnvError, readEnv } from './config/env.js';
import { ConfigError, loadDispatchConfig } from './config/load-dispatch.js';
import { migrateDatabase, openDatabase } from './db/connection.js';
import { startServer } from './main.js';

const USAGE = `Usage: lead-dispatch <command>

Commands:
  start                 start the Slack app, intake (POST /leads) and the sweeper
  migrate               create or upgrade the database at DATABASE_PATH, then exit
  check-config [file]   validate a dispatch.yml (default: DISPATCH_CONFIG or ./dispatch.yml)
  help                  show this text`;

async function main(argv: string[]): Promise<number> {
  // A .env file in the working directory is the easy way to keep tokens out of shell history.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'start': {
      const server = await startServer({ env: readEnv() });
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
      const config = loadDispatchConfig(file);
      process.stdout.write(
        `${file} is valid: ${config.agents.length} agents, ${config.rules.length} rules\n`,
      );
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    // A user's mistake gets one clear message, never a stack trace.
    if (error instanceof EnvError)
      process.stderr.write(`lead-dispatch: environment problem:\n  ${error.problems.join('\n  ')}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`lead-dispatch: ${error.message}\n`);
    else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      process.stderr.write(
        `lead-dispatch: port is already in use (${error.message}); set PORT to a free port\n`,
      );
    } else
      process.stderr.write(
        `lead-dispatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exit(1);
  },
);
