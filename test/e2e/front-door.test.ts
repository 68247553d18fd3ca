/**
 * The front door over the offline stack: the served OpenAPI document is the committed one, the operator list
 * and turn log answer as documented (every answer checked against docs/openapi.json), the static pages are
 * served without any CDN, `npm run chat` is driven through piped standard input, and the inspector works in a
 * real headless Chromium (puppeteer-core + @sparticuz/chromium): turns, checkpoint statuses and the agent
 * waterfall appear live while a conversation goes on, no console error, no critical accessibility violation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { startTestStack, turnBody } from '../support/local-stack.js';
import { expectDocumented, OPENAPI_PATH } from '../support/openapi.js';
import { ROOT } from '../support/paths.js';
import { postJson, signedFetch, type SignedRequestInit } from '../../local/client.js';

const OUTPUT = path.join(ROOT, 'test', 'e2e', 'output');
// Functions passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
type HTMLElement = { dataset: Record<string, string>; style: Record<string, string> };
let stack: LocalStack;

beforeAll(async () => {
  ({ stack } = await startTestStack());
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

/** A signed request whose answer is checked against the OpenAPI document. */
async function call(method: string, urlPath: string, init: SignedRequestInit & { json?: unknown } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res =
    init.json !== undefined
      ? await postJson(`${stack.apiUrl}${urlPath}`, init.json, init)
      : await signedFetch(`${stack.apiUrl}${urlPath}`, { ...init, method });
  const body = await res.json();
  expectDocumented({ method, path: urlPath, status: res.status, headers: res.headers, body });
  return { status: res.status, headers: res.headers, body };
}

const op: SignedRequestInit = { identity: 'polaris-operator' };
const turn = (conversation: string, text: string, n: number, extra: Record<string, unknown> = {}) =>
  call('POST', '/orchestrate', { json: turnBody({ conversation_id: conversation, text, call_log_id: `${conversation}-${n}`, ...extra }) });

describe('front door', () => {
  it('GET /openapi.json (any authenticated caller: only GET /health is public, issue #11) serves exactly the committed docs/openapi.json', async () => {
    const res = await signedFetch(`${stack.apiUrl}/openapi.json`, { identity: 'polaris-local' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8')));
  });

  it('lists conversations newest first, filters by individual and status, pages with a cursor; the turn log carries the waterfall', async () => {
    expect((await turn('fd-a', 'Good morning! I feel good today.', 1, { individual_id: 'fd-ind-1' })).status).toBe(200);
    expect((await turn('fd-b', 'I have crushing chest pain and my left arm is numb.', 1, { individual_id: 'fd-ind-2' })).status).toBe(200);
    expect((await turn('fd-a', 'I slept well, about eight hours.', 2, { individual_id: 'fd-ind-1' })).status).toBe(200);
    await stack.lambda.idle();

    const all = await call('GET', '/conversations?limit=100', op);
    expect(all.status).toBe(200);
    const ids = all.body.conversations.map((c: { conversation_id: string }) => c.conversation_id);
    expect(ids.indexOf('fd-a')).toBeLessThan(ids.indexOf('fd-b')); // fd-a was updated last
    const updated = all.body.conversations.map((c: { updated_at: string }) => c.updated_at);
    expect(updated).toEqual([...updated].sort().reverse());

    const paused = await call('GET', '/conversations?status=paused', op);
    expect(paused.body.conversations.map((c: { conversation_id: string }) => c.conversation_id)).toContain('fd-b');
    expect(paused.body.conversations.every((c: { status: string }) => c.status === 'paused')).toBe(true);
    const mine = await call('GET', '/conversations?individual_id=fd-ind-1', op);
    expect(mine.body.conversations).toEqual([expect.objectContaining({ conversation_id: 'fd-a', individual_id: 'fd-ind-1', turn_count: 2, status: 'active' })]);

    const page1 = await call('GET', '/conversations?limit=1', op);
    expect(page1.body.conversations).toHaveLength(1);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await call('GET', `/conversations?limit=1&cursor=${page1.body.next_cursor}`, op);
    expect(page2.body.conversations[0].conversation_id).not.toBe(page1.body.conversations[0].conversation_id);
    expect((await call('GET', '/conversations?cursor=bm90LWEtY3Vyc29y', op)).status).toBe(400);
    const bad = await call('GET', '/conversations?limit=500&sort=asc', op);
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['limit', 'sort']);
    expect((await call('GET', '/conversations', { identity: null })).status).toBe(403);

    const log = await call('GET', '/conversations/fd-a/turns', op);
    expect(log.body.stores_text).toBe(false);
    expect(log.body.turns.map((t: { turn: number }) => t.turn)).toEqual([1, 2]);
    const t1 = log.body.turns[0];
    expect(t1.reply.length).toBeGreaterThan(0);
    const ran = t1.agents.filter((a: { status: string }) => a.status === 'ok');
    expect(ran.length).toBeGreaterThan(2);
    for (const a of ran) expect(a.offset_ms).toBeGreaterThanOrEqual(0);
    // A dependent agent starts after what it depends on ends (nutrition needs privacy).
    const by = Object.fromEntries(t1.agents.map((a: { agent: string }) => [a.agent, a]));
    expect(by.nutrition.offset_ms).toBeGreaterThanOrEqual(by.privacy.offset_ms + by.privacy.latency_ms - 5);
    expect(t1.responder_timing.offset_ms).toBeGreaterThanOrEqual(Math.max(...ran.map((a: { offset_ms: number }) => a.offset_ms)));
    // No patient words anywhere in the log of a deployment that does not store them.
    expect(JSON.stringify(log.body)).not.toContain('eight hours');
    const after = await call('GET', '/conversations/fd-a/turns?after=1', op);
    expect(after.body.turns.map((t: { turn: number }) => t.turn)).toEqual([2]);
    expect((await call('GET', '/conversations/fd-nobody/turns', op)).status).toBe(404);
  });

  it('serves the API reference and the inspector from the local front, with their assets (no CDN)', async () => {
    for (const [p, type, needle] of [
      ['/docs/', 'text/html', 'swagger-ui-bundle.js'],
      ['/docs/swagger-ui-bundle.js', 'text/javascript', 'SwaggerUIBundle'],
      ['/docs/docs.js', 'text/javascript', 'openapi.json'],
      ['/inspector', 'text/html', 'inspector.js'], // redirected to /inspector/
      ['/inspector/sigv4.js', 'text/javascript', 'AWS4-HMAC-SHA256'],
    ] as const) {
      const res = await fetch(`${stack.apiUrl}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toContain(type);
      const text = await res.text();
      expect(text, p).toContain(needle);
      // Nothing loaded from elsewhere: no CDN, no fonts, no remote scripts.
      if (type === 'text/html') expect(text, p).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
    expect((await fetch(`${stack.apiUrl}/inspector/..%2Fidentities.ts`)).status).not.toBe(200);
    const cfg = (await (await fetch(`${stack.apiUrl}/inspector/config.json`)).json()) as { credentials: { accessKeyId: string } };
    expect(cfg.credentials.accessKeyId).toBe('polaris-operator');
  });

  it('npm run chat reads one patient message per line from piped input and prints each reply with progress, agents and escalation', async () => {
    const input = ['Good morning! I feel good today.', 'I slept well, about eight hours.', '/inspect', 'I have crushing chest pain and my left arm is numb.', '/resume nurse called back'].join('\n');
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/chat.ts', '--url', stack.apiUrl, '--conversation', 'fd-chat', '--plan', 'daily_checkin', '--services', 'nutrition'], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(`${input}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).not.toContain('\x1b['); // no colour when not on a terminal
    const replies = out.split('\n').filter((l) => l.startsWith('polaris › '));
    expect(replies).toHaveLength(3);
    expect(out).toContain('you › I slept well, about eight hours.');
    expect(out).toMatch(/task daily_checkin_main \[active, [12]\/\d+\] ✓checkin_mood/);
    expect(out).toMatch(/agents .*privacy ok \d+ms/);
    expect(out).toMatch(/agents .*checklist ok \d+ms/);
    expect(out).toContain('escalation none');
    expect(out).toContain('escalation REQUIRES HUMAN');
    expect(out).toMatch(/fd-chat plan daily_checkin · individual chat-individual · 2 turns/); // /inspect, as operator
    expect(out).toMatch(/resumed\n.*\n {2}status active/);
    expect(out).toContain('resume');
  }, 60_000);

  it('the inspector, in a real headless Chromium, shows turns, checkpoint statuses and the waterfall live while someone chats', async () => {
    const puppeteer = (await import('puppeteer-core')).default;
    const chromium = (await import('@sparticuz/chromium')).default;
    const axe = (await import('axe-core')).default;
    fs.mkdirSync(OUTPUT, { recursive: true });
    const browser = await puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
    const problems: string[] = [];
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));

      const id = 'fd-live';
      expect((await turn(id, 'Good morning! I feel good today.', 1, { individual_id: 'fd-ind-live' })).status).toBe(200);
      await page.goto(`${stack.apiUrl}/inspector#conversation=${id}`, { waitUntil: 'networkidle0' });
      await page.waitForSelector(`[data-conversation="${id}"]`).catch(async (err: unknown) => {
        throw new Error(`${(err as Error).message}; problems: ${problems.join(' | ')}; page: ${await page.evaluate(() => document.body.innerText)}`);
      });
      await page.waitForSelector('[data-turn="1"] .waterfall .bar');

      // Live: the page is open while the conversation goes on.
      expect((await turn(id, 'I slept well, about eight hours.', 2, { individual_id: 'fd-ind-live' })).status).toBe(200);
      expect((await turn(id, 'I had oatmeal and a glass of water for breakfast.', 3, { individual_id: 'fd-ind-live' })).status).toBe(200);
      await page.waitForSelector('[data-turn="3"] .waterfall .bar', { timeout: 15_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-checkpoint][data-status="complete"]').length >= 2, { timeout: 15_000 });

      const seen = await page.evaluate(() => ({
        turns: [...document.querySelectorAll('[data-turn]')].map((e) => Number((e as HTMLElement).dataset.turn)),
        bars: [...document.querySelectorAll('[data-turn="1"] .waterfall .bar')].map((b) => ({ left: (b as HTMLElement).style.left, width: (b as HTMLElement).style.width })),
        statuses: Object.fromEntries([...document.querySelectorAll('[data-checkpoint]')].map((e) => [(e as HTMLElement).dataset.checkpoint, (e as HTMLElement).dataset.status])),
        replies: [...document.querySelectorAll('.turn .reply')].map((e) => e.textContent),
        title: document.querySelector('#conv-title')?.textContent,
        note: document.querySelector('#text-note')?.textContent,
        body: document.body.innerText,
      }));
      expect(seen.title).toBe(id);
      expect(seen.turns).toEqual([3, 2, 1]);
      expect(seen.bars.length).toBeGreaterThan(2);
      expect(seen.bars.some((b) => b.left !== '0%')).toBe(true); // dependents start later: a real waterfall
      expect(seen.statuses.checkin_mood).toBe('complete');
      expect(seen.statuses.checkin_sleep).toBe('complete');
      expect(seen.replies.every((r) => (r ?? '').length > 0)).toBe(true);
      expect(seen.note).toMatch(/not stored/);
      expect(seen.body).not.toContain('eight hours'); // no patient text in a deployment that does not store it

      // Filter by status: the paused conversation from the earlier test shows, this one does not.
      await page.select('select[name="status"]', 'paused');
      await page.waitForFunction((live) => !document.querySelector(`[data-conversation="${live}"]`), {}, id);

      await page.screenshot({ path: path.join(OUTPUT, 'inspector.png'), fullPage: true });

      // Evaluated over DevTools (the page's CSP forbids inline scripts, rightly).
      await page.evaluate(axe.source);
      const result = (await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as {
        violations: Array<{ id: string; impact: string | null; help: string }>;
      };
      const critical = result.violations.filter((v) => v.impact === 'critical');
      expect(critical.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
