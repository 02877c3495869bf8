import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Block } from '../slack-emulator/blocks.js';
import type { SlackEmulator } from '../slack-emulator/emulator.js';
import type { PostedMessage } from '../slack-emulator/types.js';
import type { Deadline } from './deadlines.js';
import { type DemoExample, EXAMPLES } from './examples.js';

/** One line in a conversation as the page draws it: a message (with its thread) or an ephemeral. */
export interface PageItem {
  kind: 'message' | 'ephemeral';
  channel?: string;
  ts?: string;
  text?: string;
  blocks: Block[];
  edited?: boolean;
  /** Ephemerals: who sees it. */
  user?: string;
  replies?: PageItem[];
  at: number;
}

export interface PagePerson {
  id: string;
  name: string;
  roles: string[];
  leader: boolean;
  dm: PageItem[];
  home: { id: string; blocks: Block[] } | null;
  modal: { id: string; view: Record<string, unknown> } | null;
}

export interface PageSnapshot {
  version: number;
  now: string;
  speed: number;
  zone: string;
  team: string;
  nextDeadline: { at: string; what: string } | null;
  leadersChannel: { id: string; items: PageItem[] };
  people: PagePerson[];
  names: Record<string, string>;
  examples: DemoExample[];
}

export interface SnapshotInputs {
  emulator: SlackEmulator;
  config: DispatchConfig;
  version: number;
  now: Date;
  speed: number;
  nextDeadline: Deadline | undefined;
  /** Modals the person closed with Cancel (Slack forgets them; so does the page). */
  closedViews: ReadonlySet<string>;
}

function messageItem(m: PostedMessage, replies: PostedMessage[]): PageItem {
  return {
    kind: 'message',
    channel: m.channel,
    ts: m.ts,
    text: m.text,
    blocks: m.blocks,
    edited: m.updates.length > 0,
    at: m.postedAt,
    replies: replies.filter((r) => r.thread_ts === m.ts).map((r) => messageItem(r, [])),
  };
}

/** A conversation: top-level messages with their threads, and the ephemerals shown there, in order. */
function conversation(emulator: SlackEmulator, channel: string, ephemeralUser?: string): PageItem[] {
  const inChannel = emulator.messages.filter((m) => m.channel === channel && !m.deleted);
  const threads = inChannel.filter((m) => m.thread_ts !== undefined && m.thread_ts !== m.ts);
  const top = inChannel.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
  const ephemerals: PageItem[] = emulator.ephemerals
    .filter((e) => e.channel === channel && (!ephemeralUser || e.user === ephemeralUser))
    .filter((e) => !e.replaceOriginal && !e.deleteOriginal)
    .map((e) => ({ kind: 'ephemeral', channel, text: e.text, blocks: e.blocks, user: e.user, at: e.at }));
  return [...top.map((m) => messageItem(m, threads)), ...ephemerals].sort((a, b) => a.at - b.at);
}

/** Everything the page shows, as plain JSON: the app's own Block Kit, untouched, for the page to draw. */
export function pageSnapshot(inputs: SnapshotInputs): PageSnapshot {
  const { emulator, config } = inputs;
  const active = config.agents.filter((a) => a.active);
  const latestView = (user: string, kinds: string[]) =>
    emulator.views.findLast((v) => v.userId === user && kinds.includes(v.method));
  const people = active.map((agent): PagePerson => {
    const home = latestView(agent.id, ['views.publish']);
    const modal = latestView(agent.id, ['views.open', 'views.push', 'views.update']);
    const blocks = home && Array.isArray(home.view.blocks) ? (home.view.blocks as Block[]) : [];
    return {
      id: agent.id,
      name: agent.name,
      roles: agent.roles,
      leader: agent.roles.includes('team_leader'),
      dm: conversation(emulator, emulator.dmChannelFor(agent.id), agent.id),
      home: home ? { id: home.id, blocks } : null,
      modal: modal && !inputs.closedViews.has(modal.hash) ? { id: modal.id, view: modal.view } : null,
    };
  });
  return {
    version: inputs.version,
    now: inputs.now.toISOString(),
    speed: inputs.speed,
    zone: config.team.timezone,
    team: config.team.name,
    nextDeadline: inputs.nextDeadline
      ? { at: inputs.nextDeadline.at.toISOString(), what: inputs.nextDeadline.what }
      : null,
    leadersChannel: {
      id: config.team.leaders_channel,
      items: conversation(emulator, config.team.leaders_channel),
    },
    people,
    names: Object.fromEntries(config.agents.map((a) => [a.id, a.name])),
    examples: EXAMPLES,
  };
}
