import type { EmulatorUser } from './types.js';

const SPECIAL = new Set(['here', 'channel', 'everyone']);

/**
 * The `text` of a slash command as Slack sends it when the command has `should_escape: true`
 * (manifest.yml): `&`, `<` and `>` escaped, and each `@name` that is a member's username (here also the display
 * name) turned into `<@U123|name>` (`@here`, `@channel`, `@everyone` into `<!here>`…). An `@` inside
 * a word (an email) and a name nobody has stay as typed, as in Slack.
 */
export function escapeCommandText(text: string, users: ReadonlyMap<string, EmulatorUser>): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(/(^|\s)@([\w.-]+)/g, (whole, before: string, typed: string) => {
    // A sentence's full stop after the name is not part of it: "ask @dana." names dana.
    const name = typed.replace(/[.-]+$/, '');
    const after = typed.slice(name.length);
    const lower = name.toLowerCase();
    if (SPECIAL.has(lower)) return `${before}<!${lower}>${after}`;
    for (const [id, user] of users) {
      if (user.deleted) continue;
      // The emulator's username is also its display name (users.info says so).
      const username = user.name ?? id.toLowerCase();
      if (username.toLowerCase() === lower) return `${before}<@${id}|${username}>${after}`;
    }
    return whole;
  });
}
