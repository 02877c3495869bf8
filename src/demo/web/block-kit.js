// Block Kit as Slack draws it, for the demo page: blocks, elements, modal inputs and mrkdwn. Every
// string is lead data and goes into the page as text (textContent), never as HTML.

/** What the drawing needs from the page: names for mentions, people for user selects, and a way to act. */
let context = { names: () => ({}), people: () => [], request: async () => null };

export function useContext(next) {
  context = next;
}

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key.startsWith('data-')) el.setAttribute(key, String(value));
    else el[key] = value;
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// ---- mrkdwn ------------------------------------------------------------------------------------

/** Slack escapes &, < and > in text; the page shows the characters (as text, never as markup). */
function unescapeSlack(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Bold, italic and strike as Slack applies them: only at word boundaries (Mary_Jo, file_name_here.pdf
 * and 2*3*4 stay as typed), with no space just inside the marks; code spans anywhere.
 */
const FORMAT =
  /(?<![\p{L}\p{N}])(?:\*(?!\s)[^*\n]*?[^\s*]\*|_(?!\s)[^_\n]*?[^\s_]_|~(?!\s)[^~\n]*?[^\s~]~)(?![\p{L}\p{N}])|`[^`\n]+`|\n/gu;

/** A bare URL, which Slack turns into a link; a full stop or bracket after it is not part of it. */
const BARE_URL = /\bhttps?:\/\/[^\s<>]*[^\s<>.,;:!?'")\]]/g;

function formatted(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    nodes.push(...styled(text.slice(last, match.index)));
    const url = unescapeSlack(match[0]);
    nodes.push(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url));
    last = match.index + match[0].length;
  }
  nodes.push(...styled(text.slice(last)));
  return nodes;
}

function styled(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(FORMAT)) {
    if (match.index > last) nodes.push(unescapeSlack(text.slice(last, match.index)));
    const token = match[0];
    const inner = unescapeSlack(token.slice(1, -1));
    if (token === '\n') nodes.push(h('br'));
    else if (token[0] === '*') nodes.push(h('strong', {}, inner));
    else if (token[0] === '_') nodes.push(h('em', {}, inner));
    else if (token[0] === '~') nodes.push(h('s', {}, inner));
    else nodes.push(h('code', {}, inner));
    last = match.index + token.length;
  }
  if (last < text.length) nodes.push(unescapeSlack(text.slice(last)));
  return nodes;
}

function special(inner) {
  const [target, label] = inner.split('|', 2);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return h('span', { class: 'mention' }, `@${context.names()[id] || label || id}`);
  }
  if (target.startsWith('#')) return h('span', { class: 'mention' }, `#${label || target.slice(1)}`);
  if (target.startsWith('!date')) return label || target;
  if (target.startsWith('!')) return h('span', { class: 'mention' }, `@${target.slice(1).split('^')[0]}`);
  if (/^(https?:|mailto:|tel:)/i.test(target)) {
    return h('a', { href: target, target: '_blank', rel: 'noopener noreferrer' }, label || target);
  }
  return `<${inner}>`;
}

/** mrkdwn to DOM nodes: links, mentions and channel names in <…>, then bold, italic, strike, code. */
export function mrkdwn(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    nodes.push(...formatted(text.slice(last, match.index)));
    nodes.push(special(match[1]));
    last = match.index + match[0].length;
  }
  nodes.push(...formatted(text.slice(last)));
  return nodes;
}

/** mrkdwn with its quoted lines (`>` at the start, escaped by Slack as `&gt;`) drawn as quotes. */
function quoted(text) {
  const nodes = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const quote = /^(&gt;|>)\s?/.exec(line);
    if (quote) nodes.push(h('span', { class: 'quote' }, mrkdwn(line.slice(quote[0].length))));
    else nodes.push(...mrkdwn(line), ...(i < lines.length - 1 ? [h('br')] : []));
  });
  return nodes;
}

function textObject(obj) {
  if (!obj || typeof obj.text !== 'string') return [];
  return obj.type === 'mrkdwn' ? quoted(obj.text) : [obj.text];
}

// ---- Block Kit ---------------------------------------------------------------------------------

/** Where an element sits, so a click can name it: a message (channel, ts) or a view (id). */
function element(el, where, blockId) {
  const common = { 'data-action-id': el.action_id, 'data-block-id': blockId };
  const act = (selected) =>
    context.request('/act', {
      kind: 'action',
      user: where.user(),
      channel: where.channel,
      ts: where.ts,
      viewId: where.viewId,
      actionId: el.action_id,
      blockId,
      selected,
    });
  if (el.type === 'button') {
    if (el.url)
      return h('a', { class: 'btn', href: el.url, target: '_blank', rel: 'noopener' }, el.text?.text);
    const style = el.style ? `btn ${el.style}` : 'btn';
    return h('button', { ...common, type: 'button', class: style, onclick: () => act() }, el.text?.text);
  }
  if (el.type === 'users_select' || el.type === 'static_select') {
    const placeholder = el.placeholder?.text || 'Choose…';
    const choices =
      el.type === 'users_select'
        ? context.people().map((p) => h('option', { value: p.id }, p.name))
        : optionsOf(el).map((o) => h('option', { value: o.value }, o.text?.text));
    const select = h('select', { ...common, 'data-kind': el.type, 'aria-label': placeholder });
    select.append(h('option', { value: '' }, placeholder), ...choices);
    select.addEventListener('change', () => select.value && act(select.value));
    return select;
  }
  if (el.type === 'image') return h('span', { class: 'b-unknown' }, `[image: ${el.alt_text || ''}]`);
  return h('span', { class: 'b-unknown' }, `[${el.type}]`);
}

export function optionsOf(el) {
  if (Array.isArray(el.options)) return el.options;
  return (el.option_groups || []).flatMap((g) => g.options || []);
}

export function block(b, where) {
  switch (b.type) {
    case 'header':
      return h('div', { class: 'b-header' }, b.text?.text);
    case 'divider':
      return h('hr', { class: 'b-divider' });
    case 'section':
      return h(
        'div',
        { class: 'b-section' },
        h(
          'div',
          {},
          h('div', {}, textObject(b.text)),
          b.fields &&
            h(
              'div',
              { class: 'b-fields' },
              b.fields.map((f) => h('div', {}, textObject(f))),
            ),
        ),
        b.accessory && element(b.accessory, where, b.block_id),
      );
    case 'context':
      return h(
        'div',
        { class: 'b-context' },
        (b.elements || []).map((e) =>
          e.type === 'image' ? `[${e.alt_text || 'image'}]` : h('span', {}, textObject(e)),
        ),
      );
    case 'actions':
      return h(
        'div',
        { class: 'b-actions' },
        (b.elements || []).map((e) => element(e, where, b.block_id)),
      );
    case 'markdown':
      return h('div', {}, mrkdwn(b.text || ''));
    default:
      return h('div', { class: 'b-unknown' }, `[${b.type} block]`);
  }
}

export function blocks(list, where, fallback) {
  if (!list || list.length === 0) return [h('div', {}, mrkdwn(fallback || ''))];
  return list.map((b) => block(b, where));
}

export function input(b) {
  const el = b.element || {};
  const id = `in-${b.block_id}`;
  const attrs = { id, 'data-block-id': b.block_id, 'data-action-id': el.action_id, 'data-kind': el.type };
  let control;
  if (el.type === 'datepicker') control = h('input', { ...attrs, type: 'date' });
  else if (el.type === 'timepicker') control = h('input', { ...attrs, type: 'time' });
  else if (el.type === 'plain_text_input' && el.multiline) control = h('textarea', attrs);
  else if (el.type === 'plain_text_input')
    control = h('input', { ...attrs, type: 'text', placeholder: el.placeholder?.text || '' });
  else if (el.type === 'static_select' || el.type === 'users_select') {
    const options =
      el.type === 'users_select'
        ? context.people().map((p) => h('option', { value: p.id }, p.name))
        : optionsOf(el).map((o) => h('option', { value: o.value }, o.text?.text));
    control = h('select', attrs, h('option', { value: '' }, '—'), ...options);
  } else control = h('span', { class: 'b-unknown' }, `[${el.type}]`);
  return h(
    'div',
    {},
    h('label', { htmlFor: id }, b.label?.text, b.optional ? ' (optional)' : ''),
    control,
    b.hint && h('div', { class: 'b-context' }, b.hint.text),
    h('div', { class: 'error', 'data-error-for': b.block_id }),
  );
}

export function stateValue(control) {
  const kind = control.dataset.kind;
  const value = control.value;
  if (kind === 'datepicker') return { type: kind, selected_date: value || null };
  if (kind === 'timepicker') return { type: kind, selected_time: value || null };
  if (kind === 'users_select') return { type: kind, selected_user: value || null };
  if (kind === 'static_select') return { type: kind, selected_option: value ? { value } : null };
  return { type: kind, value: value || null };
}
