/**
 * Memory across conversations through the turn use case with the real reference agents, in process:
 * a daily check-in teaches a commitment and a medication; the next accountability and medication
 * conversations of the same individual open with them; another individual's do not.
 */
import { describe, expect, it } from 'vitest';
import type { OrchestratorQuery } from '../../../functions/contracts/api.js';
import { PlanCatalogCheckpointSource } from '../../../functions/core/plans.js';
import { orchestrateTurn, type TurnDeps } from '../../../functions/orchestrate/turn.js';
import { FixedClock, InMemoryConversationStore, makeQuery } from '../../support/fakes.js';
import { InMemoryIndividualMemory, MemoryDispatcher, ReferenceFanout } from './support.js';

function setup() {
  const memory = new InMemoryIndividualMemory();
  const dispatcher = new MemoryDispatcher(memory);
  const clock = new FixedClock();
  const fanout = new ReferenceFanout();
  const deps: TurnDeps = {
    store: new InMemoryConversationStore(),
    fanout,
    dispatcher,
    checkpoints: new PlanCatalogCheckpointSource(),
    clock,
    config: { storeTurnText: false, turnBudgetMs: 25_000 },
    memory,
  };
  const say = (q: Partial<OrchestratorQuery>) => {
    clock.advance(60_000);
    return orchestrateTurn(deps, makeQuery(q), { requestStartedAt: clock.now() });
  };
  return { memory, dispatcher, clock, fanout, deps, say };
}

const checkin = (individual: string, conversation: string) => ({
  individual_id: individual,
  conversation_id: conversation,
  plan: 'daily_checkin',
  detected_agent: 'general',
  services: ['medication', 'followup'],
});

describe('memory across conversations (engine, reference agents)', () => {
  it('a check-in commitment and medication open the next accountability and medication conversations', async () => {
    const t = setup();
    const c = checkin('ind-ana', 'conv-checkin');
    await t.say({ ...c, text: 'I feel pretty good today' });
    await t.say({ ...c, text: 'I slept about seven hours last night' });
    await t.say({ ...c, text: 'I had oatmeal for breakfast and took my metformin' });
    await t.say({ ...c, text: 'I will walk around the lake after dinner' });
    expect(t.dispatcher.writes.length).toBeGreaterThan(0);
    // Written off the reply path: nothing is in memory until the writer ran.
    expect(t.memory.records.size).toBe(0);
    await t.dispatcher.drain();
    const stored = t.memory.records.get('ind-ana')!;
    expect(stored.commitments.map((x) => x.text)).toContain('walk around the lake after dinner');
    expect(stored.medications.map((m) => m.name)).toEqual(['metformin']);
    expect(stored.mood.map((m) => m.value)).toEqual(['good']);
    expect(stored.sleep.map((m) => m.value)).toEqual(['good']);
    // No raw user text beyond the extracted commitment phrase.
    expect(JSON.stringify(stored)).not.toContain('oatmeal');

    const acct = await t.say({ individual_id: 'ind-ana', conversation_id: 'conv-acct', plan: 'accountability', detected_agent: 'accountability', text: 'Hi' });
    expect(acct.response.response).toContain('Last time you planned to walk around the lake after dinner — how did it go?');
    const meds = await t.say({ individual_id: 'ind-ana', conversation_id: 'conv-meds', plan: 'medication_adherence', detected_agent: 'general', text: 'Hello' });
    expect(meds.response.response).toContain('Are you still taking metformin?');
    expect(meds.response.response).not.toContain('Which medications are you taking');

    // Another individual: today's wording.
    const other = await t.say({ individual_id: 'ind-bo', conversation_id: 'conv-bo-acct', plan: 'accountability', detected_agent: 'accountability', text: 'Hi' });
    expect(other.response.response).toContain('Last time you planned something — how did it go?');
    expect(other.response.response).not.toContain('lake');
    const otherMeds = await t.say({ individual_id: 'ind-bo', conversation_id: 'conv-bo-meds', plan: 'medication_adherence', detected_agent: 'general', text: 'Hello' });
    expect(otherMeds.response.response).toContain('Which medications are you taking at the moment?');
  });

  it('records the outcome of the remembered commitment and the confirmation of the medications', async () => {
    const t = setup();
    const c = checkin('ind-1', 'conv-1');
    await t.say({ ...c, text: 'I took my metformin and I will walk around the lake after dinner' });
    await t.dispatcher.drain();
    const acct = { individual_id: 'ind-1', conversation_id: 'conv-2', plan: 'accountability', detected_agent: 'accountability' };
    await t.say({ ...acct, text: 'Hi' });
    await t.say({ ...acct, text: 'I did it twice, it went well' });
    await t.dispatcher.drain();
    const walk = t.memory.records.get('ind-1')!.commitments.find((x) => x.text.includes('lake'))!;
    expect(walk.outcome).toMatchObject({ status: 'done', learned: { conversation_id: 'conv-2', turn: 2 } });

    const meds = { individual_id: 'ind-1', conversation_id: 'conv-3', plan: 'medication_adherence', detected_agent: 'general' };
    await t.say({ ...meds, text: 'Hello' });
    const yes = await t.say({ ...meds, text: 'Yes, still the same' });
    expect(yes.response.checkpoint_progress['meds_list']).toBe(true);
    await t.dispatcher.drain();
    expect(t.memory.records.get('ind-1')!.medications[0]!.updated.conversation_id).toBe('conv-3');
  });

  it('reads fresh once on the first turn, then the cache; a failing memory never fails the turn', async () => {
    const t = setup();
    const q = checkin('ind-2', 'conv-a');
    await t.say({ ...q, text: 'good' });
    await t.say({ ...q, text: 'I slept well' });
    expect(t.memory.reads).toEqual([
      { individual: 'ind-2', fresh: true },
      { individual: 'ind-2', fresh: false },
    ]);
    t.memory.fail = true;
    const out = await t.say({ ...checkin('ind-2', 'conv-b'), text: 'hello' });
    expect(out.response.response.length).toBeGreaterThan(0);
    expect(t.fanout.inputs.at(-1)!.memory).toBeUndefined();
  });

  it('passes the memory to agents in the turn input (from other conversations only)', async () => {
    const t = setup();
    await t.say({ ...checkin('ind-3', 'conv-x'), text: 'I will call my sister on Sunday' });
    await t.dispatcher.drain();
    await t.say({ ...checkin('ind-3', 'conv-x'), text: 'fine' });
    expect(t.fanout.inputs.at(-1)!.memory?.last_commitment ?? null).toBeNull();
    await t.say({ ...checkin('ind-3', 'conv-y'), text: 'fine' });
    expect(t.fanout.inputs.at(-1)!.memory!.last_commitment).toMatchObject({ text: 'call my sister', due: 'on Sunday', conversation_id: 'conv-x' });
  });
});
