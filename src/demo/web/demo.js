// The demo page: draws the Block Kit the app posted to the Slack emulator, and turns clicks, picks,
// commands and modal submissions into requests the demo server signs and sends to the real app.
// Everything shown is lead data: it is only ever put in the page as text (textContent), never as HTML.

import { blocks, h, useContext } from './block-kit.js';
import { drawModal } from './modal.js';
import { clockTime, deadlineTime } from './time.js';

/** @type {any} */
let state = null;
let fetchedAt = 0;
const drawn = new Map();
const openHomes = new Set();
const $ = (id) => document.getElementById(id);

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

/** A command box; `channel` is where it sits (a channel's id), none for a person's DM with the app. */
function composer(user, channel) {
  const input = h('input', {
    placeholder: '/away 2h showing · /back · /dispatch who',
    'aria-label': 'Command',
  });
  const error = h('div', { class: 'composer-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'composer' },
    input,
    h('button', { type: 'submit', class: 'btn' }, 'Send'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [command, ...words] = input.value.trim().split(/\s+/);
    if (!command) return;
    let failed = false;
    error.textContent = '';
    // A refused command is said here, where it was typed, and stays in the box to be corrected.
    await request(
      '/act',
      { kind: 'command', user: user(), command, text: words.join(' '), channel },
      (message) => {
        failed = true;
        error.textContent = message;
      },
    );
    if (!failed) input.value = '';
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
      composer(() => acting.value, channel.id),
    );
    el.acting = acting;
    // Another person's screen: their own ephemerals, nobody else's.
    acting.addEventListener('change', () => drawChannel());
    return el;
  });
  const user = () => col.el.acting.value;
  // An ephemeral is shown only to the person it was sent to, as in Slack.
  const items = channel.items.filter((it) => it.kind !== 'ephemeral' || it.user === user());
  const json = JSON.stringify([user(), items]);
  if (col.json === json) return;
  col.json = json;
  showConversation(col, conversation(items, user, 'Escalations appear here.'), items.length);
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

// ---- clock, leads, state -----------------------------------------------------------------------

function demoNow() {
  return new Date(new Date(state.now).getTime() + (Date.now() - fetchedAt) * state.speed);
}

function drawClock() {
  // A stopped demo's clock does not move: the page shows the last time it knew.
  if (!state || !connected) return;
  const now = demoNow();
  $('now').textContent = `${clockTime(now, state.zone)} (${state.zone})`;
  for (const button of document.querySelectorAll('[data-speed]')) {
    button.classList.toggle('on', Number(button.dataset.speed) === state.speed);
  }
  const next = state.nextDeadline;
  $('next').textContent = next
    ? `next: ${next.what} at ${deadlineTime(new Date(next.at), now, state.zone)}`
    : 'no deadline pending';
  $('jump').disabled = !next || jumping;
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
  // In people's words; the raw answer stays on hover.
  const raw = `POST /leads → ${answer.status} ${JSON.stringify(answer.answer)}`;
  $('sent').textContent = ok && answer.said ? answer.said : raw;
  $('sent').title = raw;
}

let connected = true;

/** When the demo process is gone the page says so, stops its clock and takes no more clicks. */
function setConnected(ok) {
  if (connected === ok) return;
  connected = ok;
  $('stopped').hidden = ok;
  document.body.classList.toggle('disconnected', !ok);
}

/** POSTs to the demo; a refusal goes to `onError` if given, else to the status line under the examples. */
async function request(path, body, onError) {
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    setConnected(false);
    return null;
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const message = answer?.error || `the demo answered ${response.status}`;
    if (onError) onError(message);
    else {
      $('sent').className = 'sent bad';
      $('sent').textContent = message;
    }
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
      setConnected(true);
      state = next;
      fetchedAt = Date.now();
      $('team').textContent = state.team;
      drawExamples();
      drawChannel();
      for (const p of state.people) drawPerson(p);
      drawModal(state.people, request);
      drawClock();
      document.body.dataset.version = String(state.version);
    })
    .catch(() => setConnected(false))
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
let jumping = false;
$('jump').addEventListener('click', async () => {
  // One jump per click: a second click while the first runs would skip a deadline unseen.
  jumping = true;
  $('jump').disabled = true;
  try {
    await request('/clock', { jump: 'next' });
    await refresh();
  } finally {
    jumping = false;
    drawClock();
  }
});
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

useContext({ names: () => state.names, people: () => state.people, request });
const events = new EventSource('events');
events.onmessage = () => refresh();
// The stream breaks when the demo stops; a state request tells a restart from a blip.
events.onerror = () => refresh();
events.onopen = () => refresh();
setInterval(drawClock, 250);
// The clock moves deadlines on without Slack noticing; a slow poll keeps "next deadline" fresh.
setInterval(refresh, 3000);
refresh();
