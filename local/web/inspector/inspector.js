/**
 * The inspector: a static page that calls the operator API with an operator's credentials (requests signed
 * in the page, ../sigv4.js). Offline, `npm start` serves it at /inspector with config.json naming the
 * documented local operator identity; deployed anywhere else (an S3/CloudFront site, a file on a laptop) the
 * page asks for the API URL and credentials instead. It shows the tenant's conversations (newest first,
 * filtered) and, for one, its task stack, pauses/resumes, operator audit and turns with agent waterfalls,
 * refreshing while someone chats. It never shows patient text unless the deployment stores it.
 */
import { signedFetch } from './sigv4.js';

const REFRESH_MS = 1500;
const $ = (id) => document.getElementById(id);
let settings; // { api, region, credentials }
let selected = null; // conversation id
let lastTurn = 0;
let turnsOf = null;
let timer;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const badge = (status, label = status) => el('span', { class: `badge ${String(status).replace(/[^a-z_]/gi, '')}` }, label);

async function api(path) {
  const res = await signedFetch(`${settings.api}${path}`, { method: 'GET' }, settings.credentials, settings.region);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.error ?? body.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

async function loadSettings() {
  const saved = sessionStorage.getItem('polaris-inspector');
  if (saved) return JSON.parse(saved);
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) {
      const cfg = await res.json();
      return { api: cfg.api ?? location.origin, region: cfg.region ?? 'us-east-1', credentials: cfg.credentials, label: cfg.label };
    }
  } catch {
    // No config: a static deployment, ask for credentials below.
  }
  return null;
}

function askCredentials() {
  const form = $('credentials');
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const f = new FormData(form);
    const s = {
      api: String(f.get('api')).replace(/\/+$/, ''),
      region: String(f.get('region')),
      credentials: { accessKeyId: String(f.get('accessKeyId')), secretAccessKey: String(f.get('secretAccessKey')), ...(f.get('sessionToken') ? { sessionToken: String(f.get('sessionToken')) } : {}) },
      label: `${f.get('accessKeyId')}`,
    };
    sessionStorage.setItem('polaris-inspector', JSON.stringify(s));
    form.hidden = true;
    start(s);
  });
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** updated_at of each listed conversation: the detail is re-read only when its conversation changed. */
const listedUpdatedAt = new Map();
let shownUpdatedAt = null;
let detailReadAt = 0;

async function refreshList() {
  const f = new FormData($('filters'));
  const q = new URLSearchParams({ limit: '50' });
  for (const k of ['individual_id', 'status']) if (f.get(k)) q.set(k, String(f.get(k)));
  const page = await api(`/conversations?${q}`);
  for (const c of page.conversations) listedUpdatedAt.set(c.conversation_id, c.updated_at);
  const list = $('conversations');
  list.replaceChildren(
    ...page.conversations.map((c) =>
      el('li', {},
        el('button', { type: 'button', 'aria-current': c.conversation_id === selected ? 'true' : 'false', 'data-conversation': c.conversation_id, onclick: () => select(c.conversation_id) },
          el('span', { class: 'id' }, c.conversation_id),
          el('span', { class: 'meta' }, `${c.individual_id} · ${c.plan} · ${c.turn_count} turn${c.turn_count === 1 ? '' : 's'}`),
          el('span', { class: 'meta' }, badge(c.status), c.requires_human ? [' ', badge('requires_human', 'needs a human')] : null, ` ${when(c.updated_at)}`),
        ),
      ),
    ),
  );
  if (page.conversations.length === 0) list.append(el('li', { class: 'muted' }, 'No conversations yet.'));
}

function fact(label, value) {
  return el('div', {}, el('dt', {}, label), el('dd', {}, value));
}

function valueText(c) {
  const v = c.value ?? c.values;
  if (v === undefined || v === null) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function renderConversation(conv) {
  $('empty').hidden = true;
  $('conversation').hidden = false;
  $('conv-title').textContent = conv.conversation_id;
  $('facts').replaceChildren(
    fact('Status', conv.is_paused ? badge('paused', 'paused for a human') : badge('active')),
    fact('Individual', conv.individual_id),
    fact('Plan', conv.plan),
    fact('Services', conv.services.join(', ') || '–'),
    fact('Turns', String(conv.turn_count)),
    fact('Version', String(conv.version)),
    fact('Current', conv.current ? `${conv.current.task_id} › ${conv.current.checkpoint_id ?? '–'}` : 'done'),
    fact('Updated', when(conv.updated_at)),
  );
  $('stack').replaceChildren(
    ...conv.task_stack.map((t) =>
      el('div', { class: 'task', 'data-task': t.task_id },
        el('h4', {}, `${t.name} `, badge(t.status), el('span', { class: 'muted' }, ` ${t.kind}${t.service ? ` · ${t.service}` : ''}`)),
        el('ul', { class: 'checkpoints' },
          ...t.checkpoints.map((c) => {
            const value = valueText(c);
            return el('li', { 'data-checkpoint': c.checkpoint_id, 'data-status': c.status },
              badge(c.status),
              el('span', { class: `cp${c.checkpoint_id === t.current_checkpoint_id ? ' current' : ''}`, title: c.description ?? '' }, c.checkpoint_id),
              value ? el('span', { class: 'value' }, `= ${value}`) : null,
            );
          }),
        ),
      ),
    ),
  );
  const events = conv.pause_log.map((p) => el('li', {}, badge(p.action === 'pause' ? 'paused' : 'active', p.action), ` ${when(p.at)} by ${p.by}: ${p.reason}`));
  $('events').replaceChildren(...(events.length ? events : [el('li', { class: 'muted' }, 'None.')]));
}

/** Whether the API documents GET /audit (the page reads the API's own OpenAPI document once). */
let auditRoute;
async function hasAudit() {
  if (auditRoute === undefined) {
    try {
      const doc = await api('/openapi.json');
      auditRoute = Boolean(doc.paths?.['/audit']?.get);
    } catch {
      auditRoute = false;
    }
  }
  return auditRoute;
}

async function refreshAudit(id) {
  if (!(await hasAudit())) {
    $('audit').replaceChildren(el('li', { class: 'muted' }, 'This deployment has no operator audit route.'));
    return;
  }
  try {
    // The tenant's audit, newest day; this conversation's entries (targets are ids, never text).
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const out = await api(`/audit?since=${encodeURIComponent(since)}&limit=500`);
    const entries = (out.items ?? []).filter((e) => e.target === `conversation:${id}`).slice(-20).reverse();
    $('audit').replaceChildren(
      ...(entries.length
        ? entries.map((e) => el('li', {}, `${when(e.at)} ${e.action ?? e.route ?? ''} by ${e.operator ?? e.by ?? e.principal ?? '?'}${e.status ? ` → ${e.status}` : ''}`))
        : [el('li', { class: 'muted' }, 'None.')]),
    );
  } catch (err) {
    $('audit').replaceChildren(el('li', { class: 'muted' }, err.status === 404 || err.status === 403 ? 'Not available on this deployment.' : `Could not load: ${err.message}`));
  }
}

function waterfall(turn) {
  const rows = turn.agents.filter((a) => a.status !== 'skipped' || a.latency_ms !== null);
  const spans = rows.map((a) => ({ name: a.agent, status: a.status, start: a.offset_ms ?? 0, ms: a.latency_ms }));
  if (turn.responder_timing) spans.push({ name: `${turn.responder} (reply)`, status: 'responder', start: turn.responder_timing.offset_ms ?? 0, ms: turn.responder_timing.latency_ms });
  const end = Math.max(1, ...spans.map((s) => s.start + (s.ms ?? 0)));
  const grid = el('ul', { class: 'waterfall', 'aria-label': `Agents of turn ${turn.turn}` });
  for (const s of spans.sort((a, b) => a.start - b.start)) {
    const ran = s.ms !== null && s.ms !== undefined;
    const bar = ran ? el('span', { class: `bar ${s.status}` }) : null;
    if (bar) {
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      bar.style.left = `${(100 * s.start) / end}%`;
      bar.style.width = `${Math.max(0.5, (100 * s.ms) / end)}%`;
    }
    grid.append(
      el('li', { 'data-agent': s.name },
        el('span', { class: 'name' }, s.name),
        el('span', { class: 'track', role: 'img', 'aria-label': ran ? `${s.name} started at ${s.start} ms, took ${s.ms} ms` : `${s.name} ${s.status}` }, bar),
        el('span', { class: 'ms' }, ran ? `${s.ms} ms` : s.status),
      ),
    );
  }
  return grid;
}

function renderTurn(t) {
  const timings = Object.entries(t.timing_metrics).map(([k, v]) => `${k} ${v} ms`).join(' · ');
  const agents = t.agents.filter((a) => a.status !== 'skipped');
  return el('li', { class: 'turn', 'data-turn': String(t.turn) },
    el('header', {},
      el('strong', {}, `Turn ${t.turn}`),
      el('span', { class: 'muted' }, when(t.at)),
      el('span', {}, `→ ${t.responder}`),
      t.requires_human ? badge('requires_human', 'escalated') : null,
      t.is_paused ? badge('paused') : null,
      el('span', { class: 'muted' }, `${agents.length} agent${agents.length === 1 ? '' : 's'}`),
    ),
    t.text !== undefined ? el('p', { class: 'said' }, `Patient: ${t.text}`) : null,
    el('p', { class: 'reply' }, t.reply),
    t.evaluated_checkpoint && t.evaluated_checkpoint.checkpoint_id
      ? el('p', { class: 'muted' }, `Evaluated ${t.evaluated_checkpoint.checkpoint_id}: ${t.evaluated_checkpoint.complete ? 'complete' : 'not yet'}`)
      : null,
    agents.length || t.responder_timing ? waterfall(t) : el('p', { class: 'muted' }, 'No agents ran (held while paused).'),
    el('p', { class: 'timings' }, timings),
  );
}

async function refreshDetail() {
  if (!selected) return;
  const id = selected;
  // Reads of a conversation are audited: poll the (unaudited, id-and-status-only) list, and re-read the
  // conversation only when it changed, so the audit records views, not timer ticks.
  const changed = listedUpdatedAt.get(id);
  if (turnsOf === id && changed !== undefined && changed === shownUpdatedAt) return;
  // Not in the (filtered) list: no change signal, so re-read at a slower pace.
  if (turnsOf === id && changed === undefined && Date.now() - detailReadAt < 10_000) return;
  detailReadAt = Date.now();
  const conv = await api(`/conversations/${encodeURIComponent(id)}`);
  if (id !== selected) return;
  renderConversation(conv);
  if (turnsOf !== id) {
    turnsOf = id;
    lastTurn = 0;
    $('turns').replaceChildren();
  }
  const log = await api(`/conversations/${encodeURIComponent(id)}/turns?after=${lastTurn}&limit=100`);
  if (id !== selected) return;
  $('text-note').textContent = log.stores_text ? 'This deployment stores what patients wrote.' : 'Patient text is not stored by this deployment; replies, statuses and timings only.';
  for (const t of log.turns) {
    $('turns').prepend(renderTurn(t));
    lastTurn = Math.max(lastTurn, t.turn);
  }
  shownUpdatedAt = conv.updated_at;
  await refreshAudit(id);
}

function select(id) {
  selected = id;
  history.replaceState(null, '', `#conversation=${encodeURIComponent(id)}`);
  for (const b of document.querySelectorAll('[data-conversation]')) b.setAttribute('aria-current', b.dataset.conversation === id ? 'true' : 'false');
  void tick();
}

async function tick() {
  clearTimeout(timer);
  try {
    await refreshList();
    await refreshDetail();
    $('connection').textContent = `${settings.label ?? settings.credentials.accessKeyId} @ ${settings.api} · live (every ${REFRESH_MS / 1000} s)`;
    $('connection').classList.remove('error-box');
  } catch (err) {
    $('connection').textContent = `Error: ${err.message}`;
    $('connection').classList.add('error-box');
  }
  timer = setTimeout(tick, REFRESH_MS);
}

function start(s) {
  settings = s;
  $('app').hidden = false;
  $('filters').addEventListener('input', () => void tick());
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  const m = /conversation=([^&]+)/.exec(location.hash);
  if (m) selected = decodeURIComponent(m[1]);
  void tick();
}

const s = await loadSettings();
if (s) start(s);
else {
  $('connection').textContent = 'Not connected.';
  askCredentials();
}
