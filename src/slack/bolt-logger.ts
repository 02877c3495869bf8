import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

/** Bolt's and web-api's log lines as our JSON lines, so operators parse one format. */
export function boltLogger(log: Logger, initial: LogLevel): BoltLogger {
  let level = initial;
  let name = 'slack';
  const text = (parts: unknown[]) =>
    parts
      .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
      .join(' ');
  const at =
    (lvl: LogLevel, write: (message: string, fields: Record<string, unknown>) => void) =>
    (...parts: unknown[]) => {
      if (RANK[lvl] >= RANK[level]) write(text(parts), { component: name });
    };
  return {
    debug: at(LogLevel.DEBUG, log.debug),
    info: at(LogLevel.INFO, log.info),
    warn: at(LogLevel.WARN, log.warn),
    error: at(LogLevel.ERROR, log.error),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
