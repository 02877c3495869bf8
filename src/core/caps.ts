/** An agent's load: live offers plus claimed tasks not yet marked contacted, and claims today. */
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
