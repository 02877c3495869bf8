import type { RoutableTask } from './match.js';

export type Skill = 'zip' | 'city' | 'price' | 'language';

/** What an agent covers; an agent with no price band takes any price. */
export interface SkilledAgent {
  zips: readonly string[];
  cities?: readonly string[] | undefined;
  languages?: readonly string[] | undefined;
  price?: { min?: number | undefined; max?: number | undefined } | null | undefined;
}

/**
 * Whether an agent fits a lead on one skill; undefined when the lead does not say (no zip, no
 * price …), so that skill cannot tell agents apart. Agents with no languages listed speak English.
 */
export function fitsSkill(agent: SkilledAgent, task: RoutableTask, skill: Skill): boolean | undefined {
  switch (skill) {
    case 'zip':
      return task.zip ? agent.zips.includes(task.zip) : undefined;
    case 'city': {
      const city = task.city?.trim().toLowerCase();
      return city ? (agent.cities ?? []).some((c) => c.trim().toLowerCase() === city) : undefined;
    }
    case 'price': {
      if (task.price === null) return undefined;
      const band = agent.price;
      if (!band) return true;
      return (
        (band.min === undefined || task.price >= band.min) &&
        (band.max === undefined || task.price <= band.max)
      );
    }
    case 'language': {
      if (!task.language) return undefined;
      const spoken = agent.languages && agent.languages.length > 0 ? agent.languages : ['english'];
      return spoken.includes(task.language);
    }
  }
}

/** False when the agent fails any required skill the lead carries. */
export function meetsRequired(agent: SkilledAgent, task: RoutableTask, required: readonly Skill[]): boolean {
  return required.every((skill) => fitsSkill(agent, task, skill) !== false);
}

/** The preferred skills the agent fits, in the order given (for the score and the offer's reason). */
export function fittingSkills(agent: SkilledAgent, task: RoutableTask, preferred: readonly Skill[]): Skill[] {
  return preferred.filter((skill) => fitsSkill(agent, task, skill) === true);
}

/** Words for an offer's reason: "covers 78701, speaks Spanish, $650K is in their price band". */
export function skillPhrase(task: RoutableTask, skills: readonly Skill[], agent: SkilledAgent): string {
  const words: Record<Skill, () => string> = {
    zip: () => `covers ${task.zip}`,
    city: () => `works in ${task.city}`,
    // An agent without a band fits because they take any price; saying "in their band" would be false.
    price: () =>
      agent.price
        ? `${shortPrice(task.price ?? 0)} is in their price band`
        : `takes any price (${shortPrice(task.price ?? 0)})`,
    language: () => `speaks ${capitalise(task.language ?? '')}`,
  };
  return skills.map((skill) => words[skill]()).join(', ');
}

function shortPrice(price: number): string {
  if (price >= 1_000_000) return `$${Number((price / 1_000_000).toFixed(2))}M`;
  if (price >= 1_000) return `$${Math.round(price / 1_000)}K`;
  return `$${price}`;
}

function capitalise(word: string): string {
  return word.replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());
}
