import { isRecord } from './blocks.js';

/**
 * Block Kit as Slack's API checks it, so the Slack double refuses what Slack refuses instead of
 * recording a message no user would ever see. Pure functions: a list of problems in, Slack's own
 * answer shape out (`[ERROR] <reason> [json-pointer:/blocks/2/elements/1/action_id]`).
 *
 * Limits are Slack's Block Kit reference (docs.slack.dev/reference/block-kit). Where Slack's exact
 * wording is known from its answers it is used: "must be less than 3001 characters", "no more than
 * 10 items allowed", "must define either `text` or `fields`", "`action_id` \"x\" already exists".
 */

/** Where blocks are shown: each surface has its own block budget and rules. */
export type Surface = 'message' | 'modal' | 'home';

export interface BlockKitProblem {
  /** JSON pointer into the request argument, e.g. `/blocks/2/elements/1/action_id` or `/view/title/text`. */
  pointer: string;
  reason: string;
}

export interface SlackRefusal {
  ok: false;
  error: 'invalid_blocks' | 'invalid_arguments';
  response_metadata: { messages: string[] };
}

/** 50 blocks per message, 100 per modal or Home tab. */
export const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

export function formatProblem(problem: BlockKitProblem): string {
  return `[ERROR] ${problem.reason} [json-pointer:${problem.pointer}]`;
}

/** The body Slack answers with: `invalid_blocks` for messages, `invalid_arguments` for views. */
export function slackRefusal(error: SlackRefusal['error'], problems: BlockKitProblem[]): SlackRefusal {
  return { ok: false, error, response_metadata: { messages: problems.map(formatProblem) } };
}

const tooLong = (max: number) => `must be less than ${max + 1} characters`;
const tooMany = (max: number) => `no more than ${max} items allowed`;
const missing = (field: string) => `missing required field: ${field}`;

interface TextRule {
  max: number;
  /** Button labels, headers, option texts, placeholders, labels and modal titles take no mrkdwn. */
  plain?: boolean;
  optional?: boolean;
}

interface ListRule {
  max: number;
  min?: number;
}

/** Collects problems while walking one message or view; pointers are built as it descends. */
class Check {
  readonly problems: BlockKitProblem[] = [];

  fail(pointer: string, reason: string): void {
    this.problems.push({ pointer, reason });
  }

  /** A text object `{ type, text }` at `parent[key]`. */
  text(parent: Record<string, unknown>, key: string, at: string, rule: TextRule): void {
    const value = parent[key];
    if (value === undefined) {
      if (!rule.optional) this.fail(at, missing(key));
      return;
    }
    this.textObject(value, `${at}/${key}`, rule);
  }

  /** A text object found at pointer `here` (a field, a context element). */
  textObject(value: unknown, here: string, rule: TextRule): void {
    if (!isRecord(value)) return void this.fail(here, 'must provide an object');
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
      return void this.fail(`${here}/type`, 'must be one of: plain_text, mrkdwn');
    }
    if (rule.plain && value.type !== 'plain_text')
      return void this.fail(`${here}/type`, 'must be plain_text');
    this.string(value, 'text', here, { max: rule.max });
  }

  /** A string at `parent[key]`, 1..max characters (Slack refuses empty strings where it takes one). */
  string(parent: Record<string, unknown>, key: string, at: string, rule: TextRule): void {
    const value = parent[key];
    if (value === undefined) {
      if (!rule.optional) this.fail(at, missing(key));
      return;
    }
    if (typeof value !== 'string') return void this.fail(`${at}/${key}`, 'must be a string');
    if (value.length === 0) this.fail(`${at}/${key}`, 'must be more than 0 characters');
    if (value.length > rule.max) this.fail(`${at}/${key}`, tooLong(rule.max));
  }

  /** An array at `parent[key]`; returns its items (empty when absent or refused). */
  list(parent: Record<string, unknown>, key: string, at: string, rule: ListRule): unknown[] {
    const value = parent[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail(`${at}/${key}`, 'must provide an array');
      return [];
    }
    if (value.length < (rule.min ?? 1))
      this.fail(`${at}/${key}`, `must provide at least ${rule.min ?? 1} items`);
    if (value.length > rule.max) this.fail(`${at}/${key}`, tooMany(rule.max));
    return value;
  }

  record(value: unknown, at: string): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.fail(at, 'must provide an object');
    return undefined;
  }
}

// ---- elements -------------------------------------------------------------------------------

type ElementRule = (c: Check, element: Record<string, unknown>, at: string) => void;

const placeholder: ElementRule = (c, e, at) =>
  c.text(e, 'placeholder', at, { max: 150, plain: true, optional: true });

/** An option in a select, overflow, checkboxes or radio group: plain_text up to 75, value up to 150. */
function option(c: Check, value: unknown, at: string, plain: boolean): void {
  const o = c.record(value, at);
  if (!o) return;
  c.text(o, 'text', at, { max: 75, plain });
  c.string(o, 'value', at, { max: 150, optional: true });
  c.text(o, 'description', at, { max: 75, plain: true, optional: true });
}

function options(c: Check, e: Record<string, unknown>, at: string, max: number, plain = true): void {
  for (const [i, o] of c.list(e, 'options', at, { max }).entries()) option(c, o, `${at}/options/${i}`, plain);
}

/** static_select / multi_static_select: options or option_groups, never both, never neither. */
const staticSelect: ElementRule = (c, e, at) => {
  placeholder(c, e, at);
  if ((e.options === undefined) === (e.option_groups === undefined)) {
    c.fail(at, 'must provide exactly one of `options` or `option_groups`');
  }
  options(c, e, at, 100);
  for (const [i, g] of c.list(e, 'option_groups', at, { max: 100 }).entries()) {
    const group = c.record(g, `${at}/option_groups/${i}`);
    if (!group) continue;
    c.text(group, 'label', `${at}/option_groups/${i}`, { max: 75, plain: true });
    options(c, group, `${at}/option_groups/${i}`, 100);
  }
};

/** Per element type; an element of a type not listed here is refused. */
const ELEMENTS: Record<string, ElementRule> = {
  button: (c, e, at) => {
    c.text(e, 'text', at, { max: 75, plain: true });
    c.string(e, 'action_id', at, { max: 255 });
    c.string(e, 'value', at, { max: 2000, optional: true });
    c.string(e, 'url', at, { max: 3000, optional: true });
    if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') {
      c.fail(`${at}/style`, 'must be one of: primary, danger');
    }
  },
  static_select: staticSelect,
  multi_static_select: staticSelect,
  users_select: placeholder,
  multi_users_select: placeholder,
  conversations_select: placeholder,
  channels_select: placeholder,
  external_select: placeholder,
  datepicker: placeholder,
  timepicker: placeholder,
  datetimepicker: () => {},
  plain_text_input: (c, e, at) => {
    placeholder(c, e, at);
    if (typeof e.max_length === 'number' && e.max_length > 3000)
      c.fail(`${at}/max_length`, 'must be at most 3000');
  },
  email_text_input: placeholder,
  url_text_input: placeholder,
  number_input: placeholder,
  overflow: (c, e, at) => options(c, e, at, 5),
  checkboxes: (c, e, at) => options(c, e, at, 10, false),
  radio_buttons: (c, e, at) => options(c, e, at, 10, false),
  image: (c, e, at) => {
    if (e.image_url === undefined && e.slack_file === undefined) c.fail(at, missing('image_url'));
    c.string(e, 'alt_text', at, { max: 2000 });
  },
};

/** An interactive element; `actionIds` holds the block's action_ids so far (unique within a block). */
function element(c: Check, value: unknown, at: string, actionIds: Set<string>): void {
  const e = c.record(value, at);
  if (!e) return;
  const type = typeof e.type === 'string' ? e.type : '';
  const rule = ELEMENTS[type];
  if (!rule) return void c.fail(`${at}/type`, `unsupported type: ${type || '(none)'}`);
  if (type !== 'button') c.string(e, 'action_id', at, { max: 255, optional: true });
  rule(c, e, at);
  if (typeof e.action_id !== 'string') return;
  if (actionIds.has(e.action_id)) c.fail(`${at}/action_id`, `\`action_id\` "${e.action_id}" already exists`);
  actionIds.add(e.action_id);
}

// ---- blocks ---------------------------------------------------------------------------------

type BlockRule = (c: Check, block: Record<string, unknown>, at: string) => void;

/** Per block type; a block of a type not listed here is refused. */
const BLOCKS: Record<string, BlockRule> = {
  section: (c, b, at) => {
    if (b.text === undefined && b.fields === undefined)
      c.fail(`${at}/type`, 'must define either `text` or `fields`');
    c.text(b, 'text', at, { max: 3000, optional: true });
    for (const [i, f] of c.list(b, 'fields', at, { max: 10 }).entries()) {
      c.textObject(f, `${at}/fields/${i}`, { max: 2000 });
    }
    if (b.accessory !== undefined) element(c, b.accessory, `${at}/accessory`, new Set());
  },
  header: (c, b, at) => c.text(b, 'text', at, { max: 150, plain: true }),
  divider: () => {},
  context: (c, b, at) => {
    if (b.elements === undefined) return void c.fail(at, missing('elements'));
    for (const [i, e] of c.list(b, 'elements', at, { max: 10 }).entries()) {
      const here = `${at}/elements/${i}`;
      if (isRecord(e) && e.type === 'image') element(c, e, here, new Set());
      else c.textObject(e, here, { max: 3000 });
    }
  },
  actions: (c, b, at) => {
    if (b.elements === undefined) return void c.fail(at, missing('elements'));
    const actionIds = new Set<string>();
    for (const [i, e] of c.list(b, 'elements', at, { max: 25 }).entries()) {
      element(c, e, `${at}/elements/${i}`, actionIds);
    }
  },
  input: (c, b, at) => {
    c.text(b, 'label', at, { max: 2000, plain: true });
    c.text(b, 'hint', at, { max: 2000, plain: true, optional: true });
    if (b.element === undefined) return void c.fail(at, missing('element'));
    element(c, b.element, `${at}/element`, new Set());
  },
  image: (c, b, at) => {
    if (b.image_url === undefined && b.slack_file === undefined) c.fail(at, missing('image_url'));
    c.string(b, 'alt_text', at, { max: 2000 });
    c.text(b, 'title', at, { max: 2000, plain: true, optional: true });
  },
  markdown: (c, b, at) => c.string(b, 'text', at, { max: 12000 }),
  rich_text: (c, b, at) => {
    if (!Array.isArray(b.elements)) c.fail(at, missing('elements'));
  },
};

/**
 * Every problem Slack would name in `blocks` shown on `surface`. `base` is where the blocks sit in
 * the request: `/blocks` for chat.* and response_url bodies, `/view/blocks` for views.
 */
export function validateBlocks(blocks: unknown, surface: Surface, base = '/blocks'): BlockKitProblem[] {
  const c = new Check();
  checkBlocks(c, blocks, surface, base);
  return c.problems;
}

function checkBlocks(c: Check, blocks: unknown, surface: Surface, base: string): void {
  if (!Array.isArray(blocks)) return void c.fail(base, 'must provide an array');
  if (blocks.length > MAX_BLOCKS[surface]) c.fail(base, tooMany(MAX_BLOCKS[surface]));
  const blockIds = new Set<string>();
  for (const [i, value] of blocks.entries()) {
    const at = `${base}/${i}`;
    const block = c.record(value, at);
    if (!block) continue;
    const type = typeof block.type === 'string' ? block.type : '';
    const rule = BLOCKS[type];
    if (!rule) {
      c.fail(`${at}/type`, `unsupported type: ${type || '(none)'}`);
      continue;
    }
    c.string(block, 'block_id', at, { max: 255, optional: true });
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id))
        c.fail(`${at}/block_id`, `\`block_id\` "${block.block_id}" already exists`);
      blockIds.add(block.block_id);
    }
    rule(c, block, at);
  }
}

/** A modal (views.open/push/update) or a Home tab (views.publish), as `view` in the request. */
export function validateView(view: unknown): BlockKitProblem[] {
  const c = new Check();
  const at = '/view';
  const v = c.record(view, at);
  if (!v) return c.problems;
  if (v.type !== 'modal' && v.type !== 'home') {
    c.fail(`${at}/type`, `unsupported type: ${String(v.type)}`);
    return c.problems;
  }
  if (v.blocks === undefined) c.fail(at, missing('blocks'));
  else checkBlocks(c, v.blocks, v.type, `${at}/blocks`);
  c.string(v, 'callback_id', at, { max: 255, optional: true });
  c.string(v, 'external_id', at, { max: 255, optional: true });
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000) {
    c.fail(`${at}/private_metadata`, tooLong(3000));
  }
  if (v.type === 'modal') {
    c.text(v, 'title', at, { max: 24, plain: true });
    c.text(v, 'submit', at, { max: 24, plain: true, optional: true });
    c.text(v, 'close', at, { max: 24, plain: true, optional: true });
    const inputAt = Array.isArray(v.blocks)
      ? v.blocks.findIndex((b) => isRecord(b) && b.type === 'input')
      : -1;
    if (inputAt >= 0 && v.submit === undefined) {
      c.fail(`${at}/blocks/${inputAt}`, 'must define `submit` to use an `input` block in modals');
    }
  }
  return c.problems;
}
