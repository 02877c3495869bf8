/**
 * Dotted paths into a sender's body, as written in a source's `fields:` mapping:
 * `contact.first_name`, `phones[0].value`, `cell_phone_1`. Pure; never throws on any input.
 */

export type PathStep = string | number;

const SEGMENT = /^([^.[\]]+)((?:\[\d+\])*)$/;

/** The steps of a path, or undefined when it is not one (empty segments, unclosed brackets). */
export function parsePath(path: string): PathStep[] | undefined {
  const trimmed = path.trim();
  if (trimmed === '' || trimmed.length > 200) return undefined;
  const steps: PathStep[] = [];
  for (const segment of trimmed.split('.')) {
    const m = SEGMENT.exec(segment);
    if (!m?.[1]) return undefined;
    steps.push(m[1]);
    for (const index of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/**
 * The value at `path`, or undefined. A key that itself contains the dots (a form field named
 * `contact.first_name`) is found too, since a form body is flat.
 */
export function readPath(body: unknown, path: string): unknown {
  if (isRecord(body) && Object.hasOwn(body, path)) return body[path];
  const steps = parsePath(path);
  if (!steps) return undefined;
  let node: unknown = body;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (!isRecord(node) || !Object.hasOwn(node, step)) return undefined;
      node = node[step];
    }
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Puts `value` at `path` in `body`, making the objects and lists on the way (for sample requests). */
export function writePath(body: Record<string, unknown>, path: string, value: unknown): void {
  const steps = parsePath(path);
  if (!steps) return;
  let node: Record<string, unknown> | unknown[] = body;
  steps.forEach((step, i) => {
    const next = steps[i + 1];
    const last = next === undefined;
    const key = String(step);
    const current: unknown = Array.isArray(node) ? node[Number(step)] : node[key];
    const child = last
      ? value
      : isRecord(current) || Array.isArray(current)
        ? current
        : typeof next === 'number'
          ? []
          : {};
    if (Array.isArray(node)) node[Number(step)] = child;
    else node[key] = child;
    if (!last && (isRecord(child) || Array.isArray(child))) node = child;
  });
}
