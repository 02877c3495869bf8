/**
 * `/dispatch reassign #123 @ivy [reason]`, read without I/O. Slack sends the mention escaped
 * (`<@U0IVY0001|ivy>`, the command has should_escape: true); the task may be written `#123` or `123`.
 */
export type ReassignText =
  | { ok: true; taskId: number; agentId: string; reason: string | null }
  | { ok: false; problem: string };

const TASK = /^#?(\d{1,12})$/;
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

export function parseReassignText(text: string): ReassignText {
  const [taskWord = '', agentWord = '', ...rest] = text.trim().split(/\s+/);
  if (!taskWord) return { ok: false, problem: 'Say which lead and to whom.' };
  const task = TASK.exec(taskWord);
  if (!task) return { ok: false, problem: 'The first word must be the lead number, such as #123.' };
  if (!agentWord) return { ok: false, problem: 'Say who should get it: mention them, such as @ivy.' };
  const agent = MENTION.exec(agentWord);
  if (!agent?.[1]) return { ok: false, problem: 'Say who should get it by mentioning them, such as @ivy.' };
  const reason = rest.join(' ').trim();
  return { ok: true, taskId: Number(task[1]), agentId: agent[1], reason: reason || null };
}

/** The longest reason kept for a Reassign… or Hand off…: shown in DMs and the timeline, not an essay. */
export const MOVE_REASON_MAX = 200;

/** How a hand-off's offer reason starts: the DM says a person chose the teammate, not the rule. */
export const HANDED_OFF_BY = 'handed off by ';
