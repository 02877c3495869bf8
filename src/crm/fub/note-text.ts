/** "38 s", "12 min", "3 h 5 min": how long a lead waited, as a person says it. Pure. */
export function elapsedText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** A marker at the end of what we write, so a retry whose first outcome is unknown finds it and does not write it twice. */
export const refMarker = (outboxId: number) => `[lead-dispatch ref ${outboxId}]`;

/** The note on the person's FUB timeline when an agent claims the lead in Slack. */
export function claimNote(
  agentName: string,
  arrivedAt: Date,
  claimedAt: Date,
): { subject: string; body: string } {
  const waited = elapsedText((claimedAt.getTime() - arrivedAt.getTime()) / 1000);
  return {
    subject: 'Claimed in Slack',
    body: `Claimed in Slack by ${agentName}, ${waited} after it arrived.`,
  };
}

/**
 * The FUB task for the owner: a plain instruction, nothing about the lead. FUB's tasks have no
 * field but the name to carry our dedupe ref, so it is kept short there ("ref 4", not the note's
 * "[lead-dispatch ref 4]"); agents see this name in their task list.
 */
export const contactTaskName = (outboxId: number) =>
  `Contact this new lead (claimed in Slack, ref ${outboxId})`;
