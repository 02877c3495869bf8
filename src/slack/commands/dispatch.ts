import type { App } from '@slack/bolt';
import { whisper } from '../actions/reply.js';
import type { SlackDeps } from '../deps.js';
import { cover } from './dispatch/cover.js';
import { pause, resume } from './dispatch/pause.js';
import { reassign } from './dispatch/reassign.js';
import { reload } from './dispatch/reload.js';
import { stats } from './dispatch/stats.js';
import type { DispatchSubcommand } from './dispatch/subcommand.js';
import { who } from './dispatch/who.js';

/** Every `/dispatch` subcommand, in the order `/dispatch help` lists them. */
const SUBCOMMANDS: readonly DispatchSubcommand[] = [who, stats, reassign, cover, pause, resume, reload];

export const DISPATCH_USAGE = [
  '*/dispatch* commands:',
  ...SUBCOMMANDS.map((s) => s.usage),
  '• `/away 2h showing 12 Elm St`, `/away until 3pm`, `/away tomorrow`: go away; `/back` to return',
].join('\n');

function findSubcommand(word: string): DispatchSubcommand | undefined {
  return SUBCOMMANDS.find((s) => s.name === word || s.aliases?.includes(word));
}

/** `/dispatch <subcommand> …`, and help for anything else. */
export function register(app: App, deps: SlackDeps): void {
  app.command('/dispatch', async ({ ack, command, respond }) => {
    await ack();
    const text = command.text.trim();
    const [word = '', ...rest] = text.split(/\s+/);
    const subcommand = findSubcommand(word.toLowerCase());
    if (subcommand) {
      await subcommand.run(deps, command, rest.join(' '), respond);
      return;
    }
    const unknown = text && word.toLowerCase() !== 'help' ? `I don't know \`/dispatch ${text}\`.\n` : '';
    await whisper(respond, `${unknown}${DISPATCH_USAGE}`);
  });
}
