/** How deeply a stored payload may nest: deeper is cut, so it costs us neither stack nor time. */
export const MAX_DEPTH = 10;

/** What stands in the stored payload for an object or list nested deeper than MAX_DEPTH. */
export const DEPTH_MARKER = `[nested deeper than ${MAX_DEPTH} levels]`;

/** One reason a request is not a lead, in the sender's words (`POST /leads` answers 400 with these). */
export interface LeadIssue {
  path: string;
  message: string;
}

type Node = Record<string, unknown> | unknown[];
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

/** How deeply a parsed JSON value nests, counted without recursion so hostile input cannot blow the stack. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const [node, depth] = item;
    if (!isNode(node)) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * A copy of `body` kept to MAX_DEPTH levels: each object or list deeper is replaced by
 * DEPTH_MARKER. Built without recursion; the body itself is left as it was.
 */
export function cutToDepth(body: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: Array<[Node, Node, number]> = [[body, root, 1]];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const [from, to, depth] = item;
    for (const [key, child] of Object.entries(from)) {
      let copy: unknown = child;
      if (isNode(child)) {
        if (depth >= MAX_DEPTH) copy = DEPTH_MARKER;
        else {
          const node: Node = Array.isArray(child) ? [] : {};
          stack.push([child, node, depth + 1]);
          copy = node;
        }
      }
      // defineProperty: a key named __proto__ stays a key, as JSON.parse made it.
      Object.defineProperty(to, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}
