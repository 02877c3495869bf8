/** How deeply a sender's body may nest: deeper is no lead, and would only cost us stack and time. */
export const MAX_DEPTH = 10;

/** One reason a request is not a lead, in the sender's words (`POST /leads` answers 400 with these). */
export interface LeadIssue {
  path: string;
  message: string;
}

/** How deeply a parsed JSON value nests, counted without recursion so hostile input cannot blow the stack. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const [node, depth] = item;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
