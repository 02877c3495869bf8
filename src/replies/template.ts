import Mustache from 'mustache';

/**
 * The words a reply template may use, each with what it becomes. A template is Mustache
 * (`{{first_name}}`), rendered without HTML escaping since a text or a plain-text email is not
 * HTML. Pure.
 */
export const PLACEHOLDERS = {
  first_name: "the lead's first name, or “there” when we have none",
  agent_name: "the claiming agent's full name (claim-time replies), or the team's name",
  agent_first_name: "the claiming agent's first name, or the team's name",
  agent_phone: "the agent's phone from dispatch.yml, or the team's phone",
  team_name: 'team.name',
  team_phone: 'replies.team_phone',
  sla: 'the rule’s SLA in words: “5 minutes”, “2 hours”',
  opening: 'when the team next opens, in the lead’s time zone: “tomorrow at 8 AM”, “Monday at 9 AM”',
} as const;

/** Yes-or-no facts a template may branch on: `{{#after_hours}}…{{/after_hours}}{{^after_hours}}…{{/after_hours}}`. */
export const SECTIONS = {
  after_hours: 'the lead waits for the team to open (held until working hours start)',
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type ReplyVariables = Record<Placeholder, string> & Record<keyof typeof SECTIONS, boolean>;

const KNOWN = new Set<string>(Object.keys(PLACEHOLDERS));
const KNOWN_SECTIONS = new Set<string>(Object.keys(SECTIONS));

/** Why a template cannot be used: unknown words, sections, or Mustache it cannot parse. Empty when fine. */
export function templateProblems(template: string): string[] {
  let tokens: unknown[];
  try {
    tokens = Mustache.parse(template);
  } catch (error) {
    return [`cannot read the template: ${error instanceof Error ? error.message : String(error)}`];
  }
  return tokenProblems(tokens);
}

function tokenProblems(tokens: unknown[]): string[] {
  const problems: string[] = [];
  for (const token of tokens) {
    if (!Array.isArray(token)) continue;
    const [kind, name, , , inner] = token as [string, string, number, number, unknown];
    if (kind === 'text' || kind === '!') continue;
    if (kind === 'name' || kind === '&') {
      if (!KNOWN.has(name))
        problems.push(
          `unknown placeholder {{${name}}}; use one of ${[...KNOWN].map((k) => `{{${k}}}`).join(', ')}`,
        );
      continue;
    }
    if (kind === '#' || kind === '^') {
      if (!KNOWN_SECTIONS.has(name))
        problems.push(
          `unknown section {{${kind}${name}}}; the one section is {{#after_hours}}…{{/after_hours}}`,
        );
      else if (Array.isArray(inner)) problems.push(...tokenProblems(inner));
      continue;
    }
    // Partials and the like would need files the team cannot see from dispatch.yml.
    problems.push(`{{${kind}${name}}} is not supported: use placeholders such as {{first_name}}`);
  }
  return problems;
}

/** The text a lead receives. Unknown words were refused when the config loaded. */
export function renderReply(template: string, variables: ReplyVariables): string {
  // A section left empty leaves two spaces where it stood ("Group!  An agent"): close them up.
  return Mustache.render(template, variables, undefined, { escape: (value: string) => value })
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
