/** The plain, JSON-ready result of a replay (`--json` prints it as is, with the file names). */

/** One lead of an export: its row number as the reader should see it, and the intake-shaped fields. */
export interface LeadRow {
  row: number;
  body: unknown;
  /** What the reader found wrong with the row itself (a missing cell), reported with intake's reasons. */
  problems?: string[];
}

export interface AgentRef {
  id: string;
  name: string;
}

/** A chain entry with names: one agent, or a first-to-claim pool. */
export interface SimulatedStep {
  agents: AgentRef[];
  firstToClaim: boolean;
  reason: string;
}

/** What happened when a held lead's hold ended: routed again at `at`. */
export type Release =
  | { kind: 'offer'; at: string; rule: string }
  | { kind: 'exception'; at: string; reason: string }
  /** Still held after MAX_HOLDS re-routes; the replay gives up on it. */
  | { kind: 'held'; until: string };

export type Outcome =
  | { kind: 'offer' }
  | { kind: 'held'; until: string; waitingFor: AgentRef[]; release: Release }
  | { kind: 'exception'; reason: string }
  | { kind: 'duplicate'; of: number; matchedOn: 'phone' | 'email' }
  | { kind: 'invalid'; reasons: string[] };

export interface SimulatedLead {
  row: number;
  /** ISO time; null when the row is invalid. */
  receivedAt: string | null;
  /** Null when the row is invalid or nothing classifies it. */
  type: string | null;
  source: string | null;
  zip: string | null;
  /** The rule that matched on arrival. */
  rule: string | null;
  /** Who would be offered it, first first: on arrival, or when a held lead is released. */
  chain: SimulatedStep[];
  /** Fields intake would keep as sent and flag on the DM (`phone`, `price`, `contact` for no way to reach them). */
  keptAsSent?: string[];
  outcome: Outcome;
}

export interface AgentSummary extends AgentRef {
  weight: number;
  active: boolean;
  /** Leads offered to them first (alone, not in a first-to-claim pool). */
  offered: number;
  /** `offered` over everyone's `offered`; null when nobody was offered anything. */
  share: number | null;
  /** Their weight over the weights of the agents offered any; null when they were offered none. */
  weightShare: number | null;
  /** How many of `offered` were in one of their zips. */
  zipMatches: number;
  /** First-to-claim offers they were in. */
  inPools: number;
}

export interface RuleSummary {
  /** Null: leads nothing could classify. */
  rule: string | null;
  leads: number;
  offered: number;
  held: number;
  exceptions: number;
}

export interface Totals {
  leads: number;
  offered: number;
  held: number;
  exceptions: number;
  duplicates: number;
  invalid: number;
}

export interface ReplayResult {
  team: string;
  timezone: string;
  /** What a replay cannot know, for the reader of the output. */
  notes: string[];
  leads: SimulatedLead[];
  agents: AgentSummary[];
  rules: RuleSummary[];
  totals: Totals;
}
