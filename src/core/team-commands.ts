import type { PauseKind } from './pause.js';

/**
 * The words of `/dispatch cover`, `/dispatch pause` and `/dispatch resume`, read into what they
 * ask for. Pure; the time phrase is left as text for `parseEndTime`, names for the config to check.
 */

/** Who a cover is for: a Slack user id from a mention, or the sender (`me`, or nobody named). */
export type Who = { userId: string } | { self: true };

export type CoverCommand =
  | { kind: 'list' }
  | { kind: 'set'; who: Who; rotation: string | undefined; when: string }
  | { kind: 'end'; who: Who; rotation: string | undefined }
  | { kind: 'usage'; hint: string | undefined };

export type PauseCommand =
  | { kind: 'list' }
  | { kind: 'pause'; target: PauseKind; name: string; when: string }
  | { kind: 'resume'; target: PauseKind; name: string }
  | { kind: 'usage'; hint: string | undefined };

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*/;
const ME = /^(?:me|myself)\b\s*/i;
/** "for evenings": a rotation, unless the words are a length of time ("for 2h", "for the day"). */
const FOR_ROTATION = /^for\s+(?!(?:the|an|a|half|today|tomorrow|tonight)\b)([a-z][a-z0-9_-]*)(?=\s|$)\s*/i;

export function parseCoverCommand(text: string): CoverCommand {
  const words = text.trim();
  if (words === '' || /^help$/i.test(words)) return { kind: 'usage', hint: undefined };
  if (/^list$/i.test(words)) return { kind: 'list' };
  const end = /^(?:end|stop)\b\s*/i.exec(words);
  if (end) {
    const read = readWho(words.slice(end[0].length));
    if ('hint' in read) return { kind: 'usage', hint: read.hint };
    const { who, rest } = read;
    const rotation = FOR_ROTATION.exec(rest);
    const left = rotation ? rest.slice(rotation[0].length).trim() : rest;
    if (left !== '') return { kind: 'usage', hint: `I couldn't read “${left}” after \`cover end\`.` };
    return { kind: 'end', who, rotation: rotation?.[1]?.toLowerCase() };
  }
  if (!MENTION.test(words) && !ME.test(words))
    return {
      kind: 'usage',
      hint: words.startsWith('@')
        ? `I can't tell who “${words.split(/\s/)[0]}” is. Pick them from Slack's @ list so the name is linked.`
        : 'Start with who covers: a linked @name, or `me`.',
    };
  const read = readWho(words);
  if ('hint' in read) return { kind: 'usage', hint: read.hint };
  const { who, rest } = read;
  const rotation = FOR_ROTATION.exec(rest);
  const when = (rotation ? rest.slice(rotation[0].length) : rest).trim();
  if (when === '') return { kind: 'usage', hint: 'Say until when, like `until monday 8am` or `8h`.' };
  return { kind: 'set', who, rotation: rotation?.[1]?.toLowerCase(), when };
}

function readWho(text: string): { who: Who; rest: string } | { hint: string } {
  const mention = MENTION.exec(text);
  if (mention?.[1]) return { who: { userId: mention[1] }, rest: text.slice(mention[0].length).trim() };
  const me = ME.exec(text);
  if (me) return { who: { self: true }, rest: text.slice(me[0].length).trim() };
  if (text.startsWith('@'))
    return {
      hint: `I can't tell who “${text.split(/\s/)[0]}” is. Pick them from Slack's @ list so the name is linked.`,
    };
  return { who: { self: true }, rest: text.trim() };
}

const TARGET = /^(rule|source)\s+(\S+)\s*/i;

/** `/dispatch pause …` (`resume: false`) or `/dispatch resume …` (`resume: true`). */
export function parsePauseCommand(text: string, resume: boolean): PauseCommand {
  const words = text.trim();
  if (words === '' || /^help$/i.test(words)) return { kind: 'usage', hint: undefined };
  if (/^list$/i.test(words)) return { kind: 'list' };
  const target = TARGET.exec(words);
  if (!target?.[1] || !target[2])
    return { kind: 'usage', hint: `Say \`rule\` or \`source\` and its name, like \`source zillow\`.` };
  const kind = target[1].toLowerCase() as PauseKind;
  const name = target[2];
  const rest = words.slice(target[0].length).trim();
  if (resume) {
    if (rest !== '')
      return { kind: 'usage', hint: `\`resume\` takes no time: \`/dispatch resume ${kind} ${name}\`.` };
    return { kind: 'resume', target: kind, name };
  }
  if (rest === '')
    return {
      kind: 'usage',
      hint: `Say for how long or until when, like \`/dispatch pause ${kind} ${name} 2h\`.`,
    };
  return { kind: 'pause', target: kind, name, when: rest };
}
