/** Loose Block Kit shape: tests inspect what the app sent, so nothing is assumed beyond JSON. */
export type Block = Record<string, unknown>;

export interface HasContent {
  text?: string;
  blocks: Block[];
}

export interface InteractiveElement {
  type: string;
  action_id: string;
  block_id?: string;
  element: Record<string, unknown>;
}

export interface ButtonInfo {
  action_id: string;
  value?: string;
  block_id?: string;
  text: string;
  style?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function collectText(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectText(item, out);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'text' && typeof value === 'string') out.push(value);
    else collectText(value, out);
  }
}

/** Every human-visible string (message text, block texts, fields, element labels), newline-joined. */
export function allText(content: HasContent): string {
  const out: string[] = content.text ? [content.text] : [];
  collectText(content.blocks, out);
  return out.join('\n');
}

export function blockText(block: Block | undefined): string {
  return block ? allText({ blocks: [block] }) : '';
}

/** Elements a user could act on: `actions` elements plus section/input accessories. */
export function interactiveElements(blocks: Block[]): InteractiveElement[] {
  const found: InteractiveElement[] = [];
  const add = (element: unknown, blockId: string | undefined): void => {
    if (!isRecord(element)) return;
    const actionId = str(element.action_id);
    const type = str(element.type);
    if (actionId && type) found.push({ type, action_id: actionId, block_id: blockId, element });
  };
  for (const block of blocks) {
    const blockId = str(block.block_id);
    if (block.type === 'actions' && Array.isArray(block.elements)) {
      for (const element of block.elements) add(element, blockId);
    }
    add(block.accessory, blockId);
    if (block.type === 'input') add(block.element, blockId);
  }
  return found;
}

export function buttons(content: HasContent): ButtonInfo[] {
  return interactiveElements(content.blocks)
    .filter((e) => e.type === 'button')
    .map(({ element, action_id, block_id }) => ({
      action_id,
      block_id,
      value: str(element.value),
      text: isRecord(element.text) ? (str(element.text.text) ?? '') : '',
      style: str(element.style),
    }));
}

export function findButton(content: HasContent, actionId: string): ButtonInfo {
  const all = buttons(content);
  const button = all.find((b) => b.action_id === actionId);
  if (!button) {
    const present = all.map((b) => `${b.action_id} ("${b.text}")`).join(', ') || 'none';
    throw new Error(`No button with action_id "${actionId}" in message; buttons present: ${present}`);
  }
  return button;
}
