// The demo page: draws the Block Kit the app posted to the Slack emulator, and turns clicks, picks,
// commands and modal submissions into requests the demo server signs and sends to the real app.
// Everything shown is lead data: it is only ever put in the page as text (textContent), never as HTML.

/** @type {any} */
let state = null;
let fetchedAt = 0;
const drawn = new Map();
const openHomes = new Set();
const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
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

function formatted(text) {
  const nodes = [];
  const pattern = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|`[^`\n]+`|\n)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
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
    return h('span', { class: 'mention' }, `@${state.names[id] || label || id}`);
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
function mrkdwn(text) {
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
    request('/act', {
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
        ? state.people.map((p) => h('option', { value: p.id }, p.name))
        : optionsOf(el).map((o) => h('option', { value: o.value }, o.text?.text));
    const select = h('select', { ...common, 'data-kind': el.type, 'aria-label': placeholder });
    select.append(h('option', { value: '' }, placeholder), ...choices);
    select.addEventListener('change', () => select.value && act(select.value));
    return select;
  }
  if (el.type === 'image') return h('span', { class: 'b-unknown' }, `[image: ${el.alt_text || ''}]`);
  return h('span', { class: 'b-unknown' }, `[${el.type}]`);
}

function optionsOf(el) {
  if (Array.isArray(el.options)) return el.options;
  return (el.option_groups || []).flatMap((g) => g.options || []);
}

function block(b, where) {
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

function blocks(list, where, fallback) {
  if (!list || list.length === 0) return [h('div', {}, mrkdwn(fallback || ''))];
  return list.map((b) => block(b, where));
}

// ---- conversations -----------------------------------------------------------------------------

function item(it, actingUser) {
  const where = { user: actingUser, channel: it.channel, ts: it.ts };
  const meta =
    it.kind === 'ephemeral' ? 'Only visible to you' : it.edited ? 'lead-dispatch · updated' : 'lead-dispatch';
  return h(
    'div',
    { class: `item ${it.kind}`, 'data-ts': it.ts },
    h('div', { class: 'meta' }, meta),
    blocks(it.blocks, where, it.text),
    it.replies?.length > 0 &&
      h(
        'div',
        { class: 'thread' },
        it.replies.map((r) => item(r, actingUser)),
      ),
  );
}

function conversation(items, actingUser, empty) {
  return h(
    'div',
    { class: 'conversation' },
    items.length ? items.map((it) => item(it, actingUser)) : h('div', { class: 'empty' }, empty),
  );
}

function composer(user) {
  const input = h('input', {
    placeholder: '/away 2h showing · /back · /dispatch who',
    'aria-label': 'Command',
  });
  const form = h('form', { class: 'composer' }, input, h('button', { type: 'submit', class: 'btn' }, 'Send'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [command, ...words] = input.value.trim().split(/\s+/);
    if (!command) return;
    request('/act', { kind: 'command', user: user(), command, text: words.join(' ') });
    input.value = '';
  });
  return form;
}

/** A column is drawn once; its content is replaced only when what it shows changed. */
function column(key, make) {
  let col = drawn.get(key);
  if (!col) {
    col = { el: make(), json: '' };
    drawn.set(key, col);
    $('board').append(col.el);
  }
  return col;
}

function drawChannel() {
  const channel = state.leadersChannel;
  const leaders = state.people.filter((p) => p.leader);
  const col = column(`channel:${channel.id}`, () => {
    const acting = h(
      'select',
      { class: 'acting', 'aria-label': 'Acting as' },
      [...leaders, ...state.people.filter((p) => !p.leader)].map((p) => h('option', { value: p.id }, p.name)),
    );
    const el = h(
      'section',
      { class: 'column channel', 'data-channel': channel.id },
      h(
        'h2',
        {},
        h('span', {}, '# leaders ', h('small', {}, channel.id)),
        h('label', { class: 'acting' }, 'acting as ', acting),
      ),
      h('div', { class: 'content' }),
      composer(() => acting.value),
    );
    el.acting = acting;
    return el;
  });
  const json = JSON.stringify(channel);
  if (col.json === json) return;
  col.json = json;
  const user = () => col.el.acting.value;
  showConversation(col, conversation(channel.items, user, 'Escalations appear here.'), channel.items.length);
}

/** Replaces a column's conversation; when something new arrived it scrolls to it, as Slack does. */
function showConversation(col, next, count, ...before) {
  const scrolled = col.el.querySelector('.conversation')?.scrollTop ?? 0;
  const grew = count > (col.count ?? 0);
  col.count = count;
  col.el.querySelector('.content').replaceChildren(...before, next);
  next.scrollTop = grew ? next.scrollHeight : scrolled;
}

function drawPerson(p) {
  const col = column(`person:${p.id}`, () =>
    h(
      'section',
      { class: 'column', 'data-person': p.id },
      h('h2', {}, h('span', {}, p.name), h('small', {}, p.roles.join(', ').replace(/_/g, ' '))),
      h('div', { class: 'content' }),
      composer(() => p.id),
    ),
  );
  const json = JSON.stringify([p.dm, p.home]);
  if (col.json === json) return;
  col.json = json;
  const who = () => p.id;
  const home = h(
    'details',
    { class: 'home', open: openHomes.has(p.id) },
    h('summary', {}, 'App Home'),
    h(
      'div',
      { class: 'blocks' },
      p.home ? blocks(p.home.blocks, { user: who, viewId: p.home.id }) : 'not published yet',
    ),
  );
  home.addEventListener('toggle', () => (home.open ? openHomes.add(p.id) : openHomes.delete(p.id)));
  showConversation(col, conversation(p.dm, who, 'No messages yet.'), p.dm.length, home);
}

// ---- modal -------------------------------------------------------------------------------------

let modalJson = '';

function input(b) {
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
        ? state.people.map((p) => h('option', { value: p.id }, p.name))
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

function stateValue(control) {
  const kind = control.dataset.kind;
  const value = control.value;
  if (kind === 'datepicker') return { type: kind, selected_date: value || null };
  if (kind === 'timepicker') return { type: kind, selected_time: value || null };
  if (kind === 'users_select') return { type: kind, selected_user: value || null };
  if (kind === 'static_select') return { type: kind, selected_option: value ? { value } : null };
  return { type: kind, value: value || null };
}

function drawModal() {
  const person = state.people.find((p) => p.modal);
  const json = JSON.stringify(person ? [person.id, person.modal] : null);
  if (json === modalJson) return;
  modalJson = json;
  const backdrop = $('modal');
  if (!person) {
    backdrop.hidden = true;
    backdrop.replaceChildren();
    return;
  }
  const { id, view } = person.modal;
  const where = { user: () => person.id, viewId: id };
  const body = h(
    'div',
    { class: 'body' },
    (view.blocks || []).map((b) => (b.type === 'input' ? input(b) : block(b, where))),
  );
  const close = () => request('/act', { kind: 'close', user: person.id, viewId: id });
  const submit = async () => {
    const values = {};
    for (const control of body.querySelectorAll('[data-kind]')) {
      values[control.dataset.blockId] = { [control.dataset.actionId]: stateValue(control) };
    }
    const answer = await request('/act', { kind: 'submit', user: person.id, viewId: id, values });
    for (const [blockId, message] of Object.entries(answer?.errors || {})) {
      const slot = body.querySelector(`[data-error-for="${CSS.escape(blockId)}"]`);
      if (slot) slot.textContent = message;
    }
  };
  const dialog = h(
    'div',
    { class: 'modal', role: 'dialog', 'aria-label': view.title?.text },
    h('h3', {}, view.title?.text, h('span', { class: 'who' }, ` · ${person.name}'s screen`)),
    body,
    h(
      'footer',
      {},
      h('button', { type: 'button', class: 'btn', onclick: close }, view.close?.text || 'Cancel'),
      view.submit && h('button', { type: 'button', class: 'btn primary', onclick: submit }, view.submit.text),
    ),
  );
  backdrop.replaceChildren(dialog);
  backdrop.hidden = false;
}

// ---- clock, leads, state -----------------------------------------------------------------------

function demoNow() {
  return new Date(new Date(state.now).getTime() + (Date.now() - fetchedAt) * state.speed);
}

function formatTime(date, withDay) {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: state.zone,
    weekday: withDay ? 'short' : undefined,
    hour: 'numeric',
    minute: '2-digit',
    second: withDay ? '2-digit' : undefined,
  }).format(date);
}

function drawClock() {
  if (!state) return;
  $('now').textContent = `${formatTime(demoNow(), true)} (${state.zone})`;
  for (const button of document.querySelectorAll('[data-speed]')) {
    button.classList.toggle('on', Number(button.dataset.speed) === state.speed);
  }
  const next = state.nextDeadline;
  $('next').textContent = next
    ? `next: ${next.what} at ${formatTime(new Date(next.at), false)}`
    : 'no deadline pending';
  $('jump').disabled = !next;
}

function drawExamples() {
  if ($('examples').childElementCount > 0) return;
  for (const example of state.examples) {
    const button = h(
      'button',
      {
        type: 'button',
        'data-example': example.id,
        title: example.hint,
        onclick: () => sendLead({ example: example.id }),
      },
      example.label,
    );
    $('examples').append(button);
  }
}

async function sendLead(body) {
  const answer = await request('/lead', body);
  if (!answer) return;
  if (answer.sent) $('lead-json').value = JSON.stringify(answer.sent, null, 2);
  const ok = answer.status === 202 || answer.status === 200;
  $('sent').className = ok ? 'sent' : 'sent bad';
  $('sent').textContent = `POST /leads → ${answer.status} ${JSON.stringify(answer.answer)}`;
}

async function request(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    $('sent').className = 'sent bad';
    $('sent').textContent = answer?.error || `the demo answered ${response.status}`;
  }
  refresh();
  return answer;
}

let refreshing = null;
let again = false;

/** One state request at a time; a change announced meanwhile asks once more when it is back. */
function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = fetch('/state')
    .then((r) => r.json())
    .then((next) => {
      state = next;
      fetchedAt = Date.now();
      $('team').textContent = state.team;
      drawExamples();
      drawChannel();
      for (const p of state.people) drawPerson(p);
      drawModal();
      drawClock();
      document.body.dataset.version = String(state.version);
    })
    .catch(() => {})
    .finally(() => {
      refreshing = null;
      if (again) {
        again = false;
        refresh();
      }
    });
  return refreshing;
}

for (const button of document.querySelectorAll('[data-speed]')) {
  button.addEventListener('click', () => request('/clock', { speed: Number(button.dataset.speed) }));
}
$('jump').addEventListener('click', () => request('/clock', { jump: 'next' }));
$('send-json').addEventListener('click', () => {
  let lead;
  try {
    lead = JSON.parse($('lead-json').value);
  } catch (error) {
    $('sent').className = 'sent bad';
    $('sent').textContent = `not JSON: ${error.message}`;
    return;
  }
  sendLead({ lead });
});

new EventSource('events').onmessage = () => refresh();
setInterval(drawClock, 250);
// The clock moves deadlines on without Slack noticing; a slow poll keeps "next deadline" fresh.
setInterval(refresh, 3000);
refresh();
