/** Work about a deal, not a person asking for help: the same buyer's milestone is not a repeat lead. */
export const NEVER_MERGED_TYPES = ['vendor_coordination', 'contract_milestone', 'post_close'] as const;

const NEVER_MERGED: ReadonlySet<string> = new Set(NEVER_MERGED_TYPES);

/** Whether a task of this type can be a repeat of an earlier lead, or have repeats merged into it. */
export function isMergeable(type: string | null): boolean {
  return !NEVER_MERGED.has(type ?? '');
}

export interface ContactKeys {
  /** E.164, as intake stores it. */
  phone?: string | null | undefined;
  /** Lower case, as intake stores it. */
  email?: string | null | undefined;
}

/** How two tasks are the same person: the same phone first, else the same email; undefined if neither. */
export function sameContact(a: ContactKeys, b: ContactKeys): 'phone' | 'email' | undefined {
  if (a.phone && a.phone === b.phone) return 'phone';
  if (a.email && a.email === b.email) return 'email';
  return undefined;
}
