import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';

/**
 * One `/dispatch <name> …` subcommand. Each lives in its own file and is listed once in
 * `../dispatch.ts`, so adding one never touches another's code.
 */
export interface DispatchSubcommand {
  /** The first word after `/dispatch`, lower case. */
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One bullet line of `/dispatch help`. */
  readonly usage: string;
  /** `args` is the text after the subcommand's word, trimmed, case as typed. */
  run(deps: SlackDeps, command: SlashCommand, args: string, respond: RespondFn): Promise<unknown>;
}
