/** An agent's load: live offers plus claims still waiting to be marked contacted, and claims today. */
export interface AgentLoad {
  open: number;
  today: number;
}

export interface Caps {
  open?: number | undefined;
  per_day?: number | undefined;
}

/** Why a cap keeps the agent from a new offer, or undefined when they are under every cap. */
export function capReached(caps: Caps | undefined, load: AgentLoad | undefined): string | undefined {
  if (!caps || !load) return undefined;
  if (caps.open !== undefined && load.open >= caps.open) return `${load.open} open, the cap is ${caps.open}`;
  if (caps.per_day !== undefined && load.today >= caps.per_day)
    return `${load.today} today, the cap is ${caps.per_day} a day`;
  return undefined;
}

/** An agent's caps: their own where set, the team's for the rest (setting only per_day keeps the team's open). */
export function capsOf(team: Caps | undefined, agent: Caps | undefined): Caps | undefined {
  if (!team && !agent) return undefined;
  return { open: agent?.open ?? team?.open, per_day: agent?.per_day ?? team?.per_day };
}
