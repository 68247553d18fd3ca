/**
 * The scripted conversation suite (./scripts.ts) against the real engine (orchestrateTurn with in-memory
 * fakes for the store and dispatcher) and the real reference agents and responders run in-process through
 * the registry's graph. Per turn: checkpoint statuses, typed values and the reply. Over the whole suite: no
 * reply repeated verbatim on consecutive turns, no question asked more than twice in a conversation, at most
 * one question per reply, and replies in the patient's language.
 */
import { describe, expect, it } from 'vitest';
import { selectableServices } from '../../functions/core/agent-graph.js';
import { getPlan, getSupportTask, listSupportServices } from '../../functions/core/plans.js';
import { checkTaskStack } from '../../functions/core/task-stack.js';
import type { OrchestratorResponse } from '../../functions/contracts/api.js';
import { harness } from '../unit/engine/harness.js';
import { ReferenceFanout, referenceRegistry } from '../support/reference-fanout.js';
import { SCRIPTS, type Script, type TurnExpectation } from './scripts.js';

interface PlayedTurn {
  say: string;
  reply: string;
  response: OrchestratorResponse;
}

/** Every wording of every checkpoint's question (both languages, first ask and rephrase), by checkpoint id. */
function questionWordings(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const all = [
    ...['daily_checkin', 'nutrition_coaching', 'medication_adherence', 'loneliness_support', 'accountability', 'mood_tracking'].flatMap((p) => [
      ...getPlan(p)!.main_task.checkpoints,
      ...getPlan(p)!.extension_checkpoints,
    ]),
    ...listSupportServices().flatMap((s) => getSupportTask(s)!.checkpoints),
  ];
  for (const cp of all) out.set(cp.checkpoint_id, [...Object.values(cp.questions ?? {}), ...Object.values(cp.rephrase ?? {})]);
  return out;
}

export async function playScript(script: Script): Promise<PlayedTurn[]> {
  const h = harness({
    conversation_id: `suite-${script.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
    plan: script.plan,
    detected_agent: script.detected_agent,
    services: script.services,
  });
  h.deps.fanout = new ReferenceFanout();
  h.deps.selectableServices = selectableServices(referenceRegistry);
  let services = script.services;
  let detected = script.detected_agent;
  const played: PlayedTurn[] = [];
  for (const turn of script.turns) {
    if (turn.services) services = turn.services;
    if (turn.detected_agent) detected = turn.detected_agent;
    const out = await h.say(turn.say, { services, detected_agent: detected });
    played.push({ say: turn.say, reply: out.response.response, response: out.response });
    const stored = h.store.items.get(h.store.items.keys().next().value!)!.state;
    expect(checkTaskStack(stored)).toEqual([]);
  }
  return played;
}

function checkpointsOf(response: OrchestratorResponse): Map<string, { status: string; value?: Record<string, unknown> }> {
  const out = new Map<string, { status: string; value?: Record<string, unknown> }>();
  for (const t of response.task_stack) for (const c of t.checkpoints) out.set(c.checkpoint_id, c.value === undefined ? { status: c.status } : { status: c.status, value: c.value });
  return out;
}

function check(expectation: TurnExpectation | undefined, turn: PlayedTurn, where: string): void {
  if (expectation === undefined) return;
  const cps = checkpointsOf(turn.response);
  const context = `${where} — "${turn.say}" → "${turn.reply}"\n${JSON.stringify([...cps.entries()])}`;
  for (const [id, status] of Object.entries(expectation.status ?? {})) expect(cps.get(id)?.status, `${context}\n${id}`).toBe(status);
  for (const [id, value] of Object.entries(expectation.values ?? {})) expect(cps.get(id)?.value, `${context}\n${id}`).toMatchObject(value);
  for (const r of expectation.reply ?? []) expect(turn.reply, context).toMatch(r);
  for (const r of expectation.notReply ?? []) expect(turn.reply, context).not.toMatch(r);
  if (expectation.noQuestion === true) expect(turn.reply, context).not.toMatch(/\?/);
  // checkpoint_progress stays a map of booleans: true exactly for complete checkpoints.
  for (const [id, cp] of cps) expect(turn.response.checkpoint_progress[id], `${context}\n${id}`).toBe(cp.status === 'complete');
}

const results = new Map<string, PlayedTurn[]>();
async function played(script: Script): Promise<PlayedTurn[]> {
  let p = results.get(script.name);
  if (p === undefined) {
    p = await playScript(script);
    results.set(script.name, p);
  }
  return p;
}

describe('scripted conversations (engine + reference agents)', () => {
  it('covers every plan in both languages with at least 25 conversations', () => {
    expect(SCRIPTS.length).toBeGreaterThanOrEqual(25);
    for (const plan of ['daily_checkin', 'nutrition_coaching', 'medication_adherence', 'loneliness_support', 'accountability', 'mood_tracking']) {
      expect(SCRIPTS.filter((s) => s.plan === plan).map((s) => s.language).sort(), plan).toEqual(expect.arrayContaining(['en', 'es']));
    }
  });

  it.each(SCRIPTS.map((s) => [s.name, s] as const))('%s', async (_name, script) => {
    const turns = await played(script);
    turns.forEach((t, i) => check(script.turns[i]!.expect, t, `${script.name} turn ${i + 1}`));
  });

  it('over the whole suite: no verbatim repeat on consecutive turns, no question asked more than twice, one question at most, replies in the patient language', async () => {
    const wordings = questionWordings();
    for (const script of SCRIPTS) {
      const turns = await played(script);
      for (let i = 1; i < turns.length; i += 1) {
        expect(turns[i]!.reply, `${script.name} turns ${i} and ${i + 1}`).not.toBe(turns[i - 1]!.reply);
      }
      for (const [id, texts] of wordings) {
        const asked = turns.filter((t) => texts.some((q) => t.reply.includes(q))).length;
        expect(asked, `${script.name}: ${id} asked ${asked} times`).toBeLessThanOrEqual(2);
      }
      for (const t of turns) {
        expect((t.reply.match(/\?/g) ?? []).length, `${script.name}: "${t.reply}"`).toBeLessThanOrEqual(1);
        if (script.language === 'es') expect(t.reply, `${script.name}: "${t.say}" → "${t.reply}"`).not.toMatch(/\b(How|What|Which|Thanks|Thank you|Who)\b/);
      }
    }
  });
});
