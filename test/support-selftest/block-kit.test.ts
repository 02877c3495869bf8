import { describe, expect, it } from 'vitest';
import {
  type BlockKitProblem,
  formatProblem,
  type Surface,
  slackRefusal,
  validateBlocks,
  validateView,
} from '../support/block-kit.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (actionId: string, label = 'Claim', extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  value: '1',
  text: plain(label),
  ...extra,
});
const section = (text = 'hello') => ({ type: 'section', text: mrkdwn(text) });
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const select = (extra: Record<string, unknown>) => ({ type: 'static_select', action_id: 'pick', ...extra });
const opt = (text: string, value = 'v') => ({ text: plain(text), value });
const x = (n: number) => 'x'.repeat(n);

/** Each rule of Slack's, with a case Slack refuses and the one problem it names. */
const REFUSED: Array<{ rule: string; blocks: unknown; surface?: Surface; problem: BlockKitProblem }> = [
  {
    rule: 'action_id is unique within a block',
    blocks: [section(), actions(button('a'), button('b'), button('a'))],
    problem: { pointer: '/blocks/1/elements/2/action_id', reason: '`action_id` "a" already exists' },
  },
  {
    rule: 'block_id is unique within a message',
    blocks: [
      { ...section(), block_id: 'x' },
      { ...section(), block_id: 'x' },
    ],
    problem: { pointer: '/blocks/1/block_id', reason: '`block_id` "x" already exists' },
  },
  {
    rule: 'at most 50 blocks in a message',
    blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })),
    problem: { pointer: '/blocks', reason: 'no more than 50 items allowed' },
  },
  {
    rule: 'at most 100 blocks in a Home tab',
    blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })),
    surface: 'home',
    problem: { pointer: '/blocks', reason: 'no more than 100 items allowed' },
  },
  {
    rule: 'at most 25 elements in an actions block',
    blocks: [actions(...Array.from({ length: 26 }, (_, i) => button(`b${i}`)))],
    problem: { pointer: '/blocks/0/elements', reason: 'no more than 25 items allowed' },
  },
  {
    rule: 'at most 10 elements in a context block',
    blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('a')) }],
    problem: { pointer: '/blocks/0/elements', reason: 'no more than 10 items allowed' },
  },
  {
    rule: 'section text up to 3,000 characters',
    blocks: [section(x(3001))],
    problem: { pointer: '/blocks/0/text/text', reason: 'must be less than 3001 characters' },
  },
  {
    rule: 'section field up to 2,000 characters',
    blocks: [{ type: 'section', fields: [mrkdwn('a'), mrkdwn(x(2001))] }],
    problem: { pointer: '/blocks/0/fields/1/text', reason: 'must be less than 2001 characters' },
  },
  {
    rule: 'at most 10 section fields',
    blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('a')) }],
    problem: { pointer: '/blocks/0/fields', reason: 'no more than 10 items allowed' },
  },
  {
    rule: 'a section needs text or fields',
    blocks: [{ type: 'section' }],
    problem: { pointer: '/blocks/0/type', reason: 'must define either `text` or `fields`' },
  },
  {
    rule: 'header text up to 150 characters',
    blocks: [{ type: 'header', text: plain(x(151)) }],
    problem: { pointer: '/blocks/0/text/text', reason: 'must be less than 151 characters' },
  },
  {
    rule: 'header text is plain_text',
    blocks: [{ type: 'header', text: mrkdwn('*Lead*') }],
    problem: { pointer: '/blocks/0/text/type', reason: 'must be plain_text' },
  },
  {
    rule: 'button text up to 75 characters',
    blocks: [actions(button('a', x(76)))],
    problem: { pointer: '/blocks/0/elements/0/text/text', reason: 'must be less than 76 characters' },
  },
  {
    rule: 'button text is plain_text',
    blocks: [actions({ ...button('a'), text: mrkdwn('*Claim*') })],
    problem: { pointer: '/blocks/0/elements/0/text/type', reason: 'must be plain_text' },
  },
  {
    rule: 'button value up to 2,000 characters',
    blocks: [actions(button('a', 'Claim', { value: x(2001) }))],
    problem: { pointer: '/blocks/0/elements/0/value', reason: 'must be less than 2001 characters' },
  },
  {
    rule: 'a button needs an action_id',
    blocks: [actions({ type: 'button', text: plain('Claim') })],
    problem: { pointer: '/blocks/0/elements/0', reason: 'missing required field: action_id' },
  },
  {
    rule: 'a button needs text',
    blocks: [actions({ type: 'button', action_id: 'a' })],
    problem: { pointer: '/blocks/0/elements/0', reason: 'missing required field: text' },
  },
  {
    rule: 'a button style is primary or danger',
    blocks: [actions(button('a', 'Claim', { style: 'success' }))],
    problem: { pointer: '/blocks/0/elements/0/style', reason: 'must be one of: primary, danger' },
  },
  {
    rule: 'action_id up to 255 characters',
    blocks: [actions(button(x(256)))],
    problem: { pointer: '/blocks/0/elements/0/action_id', reason: 'must be less than 256 characters' },
  },
  {
    rule: 'block_id up to 255 characters',
    blocks: [{ ...section(), block_id: x(256) }],
    problem: { pointer: '/blocks/0/block_id', reason: 'must be less than 256 characters' },
  },
  {
    rule: 'a static_select has at most 100 options',
    blocks: [actions(select({ options: Array.from({ length: 101 }, (_, i) => opt(`o${i}`)) }))],
    problem: { pointer: '/blocks/0/elements/0/options', reason: 'no more than 100 items allowed' },
  },
  {
    rule: 'a static_select option text up to 75 characters',
    blocks: [actions(select({ options: [opt(x(76))] }))],
    problem: {
      pointer: '/blocks/0/elements/0/options/0/text/text',
      reason: 'must be less than 76 characters',
    },
  },
  {
    rule: 'a static_select option text is plain_text',
    blocks: [actions(select({ options: [{ text: mrkdwn('*a*'), value: 'a' }] }))],
    problem: { pointer: '/blocks/0/elements/0/options/0/text/type', reason: 'must be plain_text' },
  },
  {
    rule: 'a static_select option value up to 150 characters',
    blocks: [actions(select({ options: [opt('a', x(151))] }))],
    problem: { pointer: '/blocks/0/elements/0/options/0/value', reason: 'must be less than 151 characters' },
  },
  {
    rule: 'a static_select needs options or option_groups',
    blocks: [actions(select({}))],
    problem: {
      pointer: '/blocks/0/elements/0',
      reason: 'must provide exactly one of `options` or `option_groups`',
    },
  },
  {
    rule: 'a placeholder up to 150 characters, plain_text',
    blocks: [actions({ type: 'users_select', action_id: 'assign', placeholder: plain(x(151)) })],
    problem: { pointer: '/blocks/0/elements/0/placeholder/text', reason: 'must be less than 151 characters' },
  },
  {
    rule: 'an input block needs a label',
    blocks: [{ type: 'input', element: { type: 'plain_text_input', action_id: 'v' } }],
    problem: { pointer: '/blocks/0', reason: 'missing required field: label' },
  },
  {
    rule: 'an input block needs an element',
    blocks: [{ type: 'input', label: plain('Reason') }],
    problem: { pointer: '/blocks/0', reason: 'missing required field: element' },
  },
  {
    rule: 'unknown block types are refused',
    blocks: [{ type: 'sectoin', text: mrkdwn('a') }],
    problem: { pointer: '/blocks/0/type', reason: 'unsupported type: sectoin' },
  },
  {
    rule: 'unknown element types are refused',
    blocks: [actions({ type: 'buton', action_id: 'a', text: plain('a') })],
    problem: { pointer: '/blocks/0/elements/0/type', reason: 'unsupported type: buton' },
  },
  {
    rule: 'text is never empty',
    blocks: [section('')],
    problem: { pointer: '/blocks/0/text/text', reason: 'must be more than 0 characters' },
  },
  {
    rule: 'a text object is plain_text or mrkdwn',
    blocks: [{ type: 'section', text: { type: 'markdown', text: 'a' } }],
    problem: { pointer: '/blocks/0/text/type', reason: 'must be one of: plain_text, mrkdwn' },
  },
];

describe('Block Kit validation, one rule at a time', () => {
  it.each(REFUSED)('$rule', ({ blocks, surface, problem }) => {
    expect(validateBlocks(blocks, surface ?? 'message')).toEqual([problem]);
  });

  it('accepts what the app sends: sections, fields, context, actions with a users_select', () => {
    const blocks = [
      { type: 'header', text: plain('Buyer lead from Zillow · #1') },
      { type: 'section', fields: [mrkdwn('*Contact*\nJane')] },
      { type: 'context', elements: [mrkdwn('Rule chose you')] },
      {
        type: 'actions',
        block_id: 'escalation_1',
        elements: [
          { type: 'users_select', action_id: 'assign', placeholder: plain('Assign to…') },
          button('take'),
        ],
      },
      { type: 'divider' },
    ];
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('lets inputs in different blocks share an action_id, as a modal does', () => {
    const input = (blockId: string) => ({
      type: 'input',
      block_id: blockId,
      label: plain('Back on'),
      element: { type: 'datepicker', action_id: 'value' },
    });
    expect(validateBlocks([input('date'), input('time')], 'modal')).toEqual([]);
  });

  it('answers the way Slack does, with a json-pointer per problem', () => {
    const problems = validateBlocks([actions(button('a'), button('a'))], 'message');
    expect(slackRefusal('invalid_blocks', problems)).toEqual({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: {
        messages: ['[ERROR] `action_id` "a" already exists [json-pointer:/blocks/0/elements/1/action_id]'],
      },
    });
    expect(formatProblem({ pointer: '/view/title/text', reason: 'x' })).toBe(
      '[ERROR] x [json-pointer:/view/title/text]',
    );
  });
});

describe('views: modals and the Home tab', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Away'),
    submit: plain('Go away'),
    close: plain('Cancel'),
    blocks: [
      { type: 'input', label: plain('Reason'), element: { type: 'plain_text_input', action_id: 'v' } },
    ],
    ...extra,
  });

  it('accepts a modal with inputs and a submit', () => {
    expect(validateView(modal())).toEqual([]);
  });

  it.each([
    [
      'a modal title up to 24 characters',
      modal({ title: plain(x(25)) }),
      '/view/title/text',
      'must be less than 25 characters',
    ],
    [
      'a modal title is plain_text',
      modal({ title: mrkdwn('*Away*') }),
      '/view/title/type',
      'must be plain_text',
    ],
    ['a modal needs a title', modal({ title: undefined }), '/view', 'missing required field: title'],
    [
      'submit up to 24 characters',
      modal({ submit: plain(x(25)) }),
      '/view/submit/text',
      'must be less than 25 characters',
    ],
    [
      'close up to 24 characters',
      modal({ close: plain(x(25)) }),
      '/view/close/text',
      'must be less than 25 characters',
    ],
    [
      'inputs need a submit',
      modal({ submit: undefined }),
      '/view/blocks/0',
      'must define `submit` to use an `input` block in modals',
    ],
    [
      'at most 100 blocks in a modal',
      modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
      '/view/blocks',
      'no more than 100 items allowed',
    ],
    [
      'private_metadata up to 3,000 characters',
      modal({ private_metadata: x(3001) }),
      '/view/private_metadata',
      'must be less than 3001 characters',
    ],
    [
      'blocks are checked under /view',
      modal({ blocks: [section(x(3001))] }),
      '/view/blocks/0/text/text',
      'must be less than 3001 characters',
    ],
    [
      'a view is a modal or a home',
      { type: 'workflow_step', blocks: [] },
      '/view/type',
      'unsupported type: workflow_step',
    ],
  ])('%s', (_rule, view, pointer, reason) => {
    expect(validateView(view)).toEqual([{ pointer, reason }]);
  });

  it('a Home tab holds 100 blocks, not 101', () => {
    const home = (n: number) => ({
      type: 'home',
      blocks: Array.from({ length: n }, () => ({ type: 'divider' })),
    });
    expect(validateView(home(100))).toEqual([]);
    expect(validateView(home(101))).toEqual([
      { pointer: '/view/blocks', reason: 'no more than 100 items allowed' },
    ]);
  });
});
