#!/usr/bin/env node
/**
 * `npm run docs` (= `npm run openapi`): writes docs/openapi.json — the OpenAPI 3.1 document generated from the zod contracts —
 * with examples that are real answers of the reference system: it starts a private offline stack (the
 * synthesized template, the bundled functions, in this process), sends a scripted set of signed requests
 * through local/client.ts, and records each answer. The recorded set is kept in docs/openapi-examples.json
 * so a test can regenerate the document from the contracts and compare (no drift without a failing test).
 *
 * It also records the README's 60-second tour (bin/tour.ts: the real curl, a short chat) into docs/tour.json
 * and renders it into README.md between the tour markers.
 *
 *   npm run docs                  record examples and the tour, write the document and the README block
 *   npm run docs -- --no-stack    keep the recordings, regenerate the document and the block from them
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, type ExampleSet, type RecordedExample } from '../functions/contracts/openapi.js';
import { SERVICE_VERSION } from '../functions/orchestrate/app.js';
import { ensureSynth } from '../local/synth.js';
import { startLocalStack } from '../local/stack.js';
import { signedFetch, type SignedRequestInit } from '../local/client.js';
import { recordTour, renderTour, replaceTour, type Tour } from './tour.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(root, 'docs', 'openapi.json');
const EXAMPLES = path.join(root, 'docs', 'openapi-examples.json');
const TOUR = path.join(root, 'docs', 'tour.json');
const README = path.join(root, 'README.md');
/** Headers worth showing in an example (never signatures or dates). */
const SHOWN_HEADERS = ['server-timing', 'retry-after', 'idempotent-replayed'];

/** Plays the script against `baseUrl` and returns what it recorded. Exported for tests. */
export async function recordExamples(baseUrl: string, log: (line: string) => void = () => undefined): Promise<ExampleSet> {
  const set: ExampleSet = { requests: {}, responses: {} };
  const run = Date.now().toString(36);
  const conv = `example-${run}`;
  const turn = (overrides: Record<string, unknown> = {}) => ({
    text: 'Good morning! I feel good today and slept well.',
    conversation_id: conv,
    plan: 'daily_checkin',
    services: ['nutrition'],
    individual_id: 'ind-7',
    user_profile_id: 'prof-7',
    detected_agent: 'general',
    agent_instance_id: 'agent-1',
    call_log_id: `call-${run}-1`,
    ...overrides,
  });

  async function call(
    key: string,
    name: string,
    summary: string,
    urlPath: string,
    init: SignedRequestInit & { json?: unknown } = {},
    expectStatus?: number,
    optional = false,
  ): Promise<RecordedExample> {
    const body = init.json === undefined ? init.body : typeof init.json === 'string' ? init.json : JSON.stringify(init.json);
    const res = await signedFetch(`${baseUrl}${urlPath}`, {
      ...init,
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/json', ...init.headers } } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    const headers: Record<string, string> = {};
    for (const h of SHOWN_HEADERS) {
      const v = res.headers.get(h);
      if (v !== null) headers[h] = v;
    }
    const example: RecordedExample = { summary, status: res.status, ...(Object.keys(headers).length ? { headers } : {}), body: parsed };
    if (optional && res.status !== expectStatus) {
      // A behaviour this deployment does not have (e.g. unsigned turns are open until IAM is on the turn route).
      log(`(skipped) ${key}  ${name}: ${res.status}`);
      return example;
    }
    if (expectStatus !== undefined && res.status !== expectStatus) {
      throw new Error(`${key} (${name}): expected ${expectStatus}, got ${res.status}: ${text.slice(0, 300)}`);
    }
    (set.responses[key] ??= {})[name] = example;
    log(`${String(res.status).padEnd(4)} ${key}  ${name}`);
    return example;
  }
  const request = (key: string, name: string, summary: string, value: unknown) => {
    (set.requests[key] ??= {})[name] = { summary, value };
  };

  // Warm every function first (a cold start on a busy machine can pass API Gateway's 29 s): the examples
  // then show warm timings, as a running deployment has.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const warm = await signedFetch(`${baseUrl}/orchestrate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(turn({ conversation_id: `${conv}-warmup`, services: ['nutrition', 'medication', 'followup'], call_log_id: `call-${run}-w${attempt}` })),
    });
    await warm.text();
    if (warm.status === 200) break;
  }
  const T = 'POST /orchestrate';
  const first = turn();
  request(T, 'first_turn', 'The first turn of a new daily check-in', first);
  await call(T, 'first_turn', 'A new conversation: the mood checkpoint completes, the reply asks the next question', '/orchestrate', { method: 'POST', json: first }, 200);
  const second = turn({ text: 'I slept about seven hours.', call_log_id: `call-${run}-2` });
  request(T, 'next_turn', 'A later turn of the same conversation', second);
  await call(T, 'next_turn', 'A later turn', '/orchestrate', { method: 'POST', json: second }, 200);
  // One full turn answer is enough to read (the document is bundled into the function: keep it small).
  delete set.responses[T]!['next_turn'];
  await call(T, 'invalid', 'Every bad field named: unknown plan, empty text, a misspelt field', '/orchestrate', {
    method: 'POST',
    json: { ...turn({ plan: 'weekly_review', text: '' }), conversationId: conv },
  }, 400);
  await call(T, 'unsigned', 'No signature: API Gateway refuses the request', '/orchestrate', { method: 'POST', json: turn({ conversation_id: `${conv}-unsigned`, call_log_id: `call-${run}-u` }), identity: null }, 403, true);
  await call(T, 'other_individual', 'A conversation id of another individual is not revealed', '/orchestrate', {
    method: 'POST',
    json: turn({ individual_id: 'ind-8', call_log_id: `call-${run}-x` }),
  }, 404);
  await call(T, 'too_large', 'A body over the limit', '/orchestrate', { method: 'POST', json: turn({ text: 'x'.repeat(70_000) }) }, 413);
  const key = `key-${run}`;
  const idem = turn({ conversation_id: `${conv}-idem`, call_log_id: `call-${run}-i` });
  await call(T, 'idempotent_first', 'A turn with an Idempotency-Key', '/orchestrate', { method: 'POST', json: idem, headers: { 'Idempotency-Key': key } }, 200);
  delete set.responses[T]!['idempotent_first'];
  const replay = await call(T, 'idempotent_replay', 'The same key and body again: the stored answer (header idempotent-replayed), not a second turn', '/orchestrate', { method: 'POST', json: idem, headers: { 'Idempotency-Key': key } }, 200);
  if (replay.headers?.['idempotent-replayed'] !== 'true') throw new Error('the replay was not marked idempotent-replayed');
  delete set.responses[T]!['idempotent_replay'];
  await call(T, 'idempotency_key_reused', 'The same key with a different body', '/orchestrate', {
    method: 'POST',
    json: { ...idem, text: 'Something else entirely.' },
    headers: { 'Idempotency-Key': key },
  }, 422);

  await call('GET /health', 'healthy', 'The function answers', '/health', { identity: null }, 200);

  const op: SignedRequestInit = { identity: 'polaris-operator' };
  await call('GET /conversations', 'page', 'The newest conversations of the tenant', '/conversations?limit=2', op, 200);
  await call('GET /conversations', 'bad_limit', 'A bad query parameter', '/conversations?limit=0&color=blue', op, 400);
  await call('GET /conversations/{id}', 'conversation', 'Task stack with checkpoint statuses, flags, version, pause log', `/conversations/${conv}`, op, 200);
  await call('GET /conversations/{id}', 'unknown', 'No such conversation', `/conversations/${conv}-nobody`, op, 404);
  await call('GET /conversations/{id}/turns', 'turns', 'The committed turns with agent waterfalls', `/conversations/${conv}/turns?after=1`, op, 200);

  const crisisId = `${conv}-crisis`;
  await call(T, 'escalated', 'Risk language: the conversation pauses for a human', '/orchestrate', {
    method: 'POST',
    json: turn({ conversation_id: crisisId, text: 'I have crushing chest pain and my left arm is numb.', call_log_id: `call-${run}-c` }),
  }, 200);
  const R = 'POST /conversations/{id}/resume';
  request(R, 'resume', 'Why the operator resumes', { reason: 'nurse called the patient back; safe' });
  await call(R, 'resumed', 'Resumed: the pause log records who, when and why', `/conversations/${crisisId}/resume`, { ...op, method: 'POST', json: { reason: 'nurse called the patient back; safe' } }, 200);
  await call(R, 'not_paused', 'Only a paused conversation can be resumed', `/conversations/${crisisId}/resume`, { ...op, method: 'POST', json: { reason: 'again' } }, 409);
  await call(R, 'missing_reason', 'The reason is required', `/conversations/${crisisId}/resume`, { ...op, method: 'POST', json: {} }, 400);
  await call(R, 'unsigned', 'No signature: API Gateway refuses the request', `/conversations/${crisisId}/resume`, { method: 'POST', json: { reason: 'x' }, identity: null }, 403);
  return set;
}

export function writeDocument(examples: ExampleSet): void {
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(EXAMPLES, `${JSON.stringify(examples, null, 2)}\n`);
  fs.writeFileSync(DOC, `${JSON.stringify(buildOpenApiDocument({ version: SERVICE_VERSION, examples }), null, 2)}\n`);
}

/** Keep the recorded tour and render it into the README's tour block. */
export function writeTour(tour: Tour): void {
  fs.writeFileSync(TOUR, `${JSON.stringify(tour, null, 2)}\n`);
  const readme = fs.readFileSync(README, 'utf8');
  fs.writeFileSync(README, replaceTour(readme, renderTour(tour)));
}

async function main(): Promise<void> {
  if (process.argv.includes('--no-stack')) {
    const examples = JSON.parse(fs.readFileSync(EXAMPLES, 'utf8')) as ExampleSet;
    writeDocument(examples);
    if (fs.existsSync(TOUR)) writeTour(JSON.parse(fs.readFileSync(TOUR, 'utf8')) as Tour);
    console.log(`wrote ${path.relative(root, DOC)} and the README tour (recordings kept)`);
    return;
  }
  const { templatePath } = ensureSynth(root, { envName: 'dev' });
  const stack = await startLocalStack({ templatePath, apiPort: 0, silent: true, extraEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  try {
    const examples = await recordExamples(stack.apiUrl, (line) => console.log(line));
    await stack.lambda.idle();
    const tour = await recordTour(stack.apiUrl);
    await stack.lambda.idle();
    writeDocument(examples);
    writeTour(tour);
    console.log(`wrote ${path.relative(root, DOC)}, ${path.relative(root, EXAMPLES)}, ${path.relative(root, TOUR)} and the README tour`);
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
