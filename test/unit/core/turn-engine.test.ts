import { describe, expect, it } from 'vitest';
import type { AgentResult } from '../../../functions/contracts/agent.js';
import type { FanoutResult } from '../../../functions/core/ports.js';
import { routeResponder } from '../../../functions/core/routing.js';
import { RECENT_TURNS } from '../../../functions/core/state.js';
import { beginTurn } from '../../../functions/core/task-stack.js';
import { serverTimingHeader, TurnTimer } from '../../../functions/core/timing.js';
import {
  appendTurnContext,
  applyFanoutResult,
  applyHoldingTurn,
  buildAgentTurnInput,
  evaluationCacheKey,
  EVALUATION_TTL_MS,
  FALLBACK_REPLY,
  HOLDING_REPLY,
  readTurnEvaluation,
  servicesForTurn,
  type CachedEvaluation,
} from '../../../functions/core/turn-engine.js';
import { guidanceFor } from '../../../functions/core/safety/guidance.js';
import { agentOk, checklist, FixedClock, humanFlag, makeQuery, MapCache } from '../../support/fakes.js';
import { deepFreeze, stateWith, statuses, T0 } from './helpers.js';

const ok = (agent: string, out: Parameters<typeof agentOk>[1] = {}): AgentResult => ({ agent, status: 'ok', latency_ms: 1, output: agentOk(agent, out) });
const fanout = (agents: AgentResult[], responder: Partial<FanoutResult['responder']> = {}): FanoutResult => ({
  agents: Object.fromEntries(agents.map((a) => [a.agent, a])),
  responder: { name: 'primary', status: 'ok', latency_ms: 3, output: { responder: 'primary', response: 'hi there', is_enriched: true, asks_checkpoint_id: null }, ...responder },
  duration_ms: 5,
});

describe('routing', () => {
  it.each([
    ['general', 'primary'],
    ['loneliness', 'loneliness'],
    ['accountability', 'accountability'],
    ['therapy', 'therapy'],
  ])('%s → %s', (detected, responder) => expect(routeResponder(detected)).toBe(responder));
});

describe('servicesForTurn', () => {
  const withCriteria = (criteria: object) => {
    const s = beginTurn(stateWith(['a']));
    s.task_stack[0]!.checkpoints[0]!.criteria = criteria;
    return s;
  };
  it('adds the checklist and the agent the current checkpoint needs, keeping the requested order', () => {
    expect(servicesForTurn(withCriteria({ agent_finding: { agent: 'nutrition', key: 'meals' } }), ['privacy'])).toEqual(['privacy', 'checklist', 'nutrition']);
    expect(servicesForTurn(withCriteria({ keywords_any: ['x'] }), ['checklist', 'privacy'])).toEqual(['checklist', 'privacy']);
  });
  it('adds only agents the registry can select', () => {
    expect(servicesForTurn(withCriteria({ agent_finding: { agent: 'nutrition', key: 'meals' } }), [], ['checklist'])).toEqual(['checklist']);
  });
  it('adds nothing when there is no open checkpoint or the conversation is paused', () => {
    const s = withCriteria({ agent_finding: { agent: 'nutrition', key: 'meals' } });
    expect(servicesForTurn({ ...s, is_paused: true }, ['followup'])).toEqual(['followup']);
    const done = applyFanoutResult(s, { query: makeQuery(), now: T0, fanout: fanout([ok('checklist', checklist('a', true))]) }).state;
    // With every checkpoint settled only the checklist runs (it still hears corrections and "bye").
    expect(servicesForTurn(done, [])).toEqual(['checklist']);
    expect(servicesForTurn(done, [], ['nutrition'])).toEqual([]);
  });
});

describe('checkpoint evaluation', () => {
  const started = () => {
    const st = beginTurn(stateWith(['a', 'b']));
    st.task_stack[0]!.checkpoints[0]!.slot = { type: 'scale' };
    st.task_stack[0]!.checkpoints[1]!.slot = { type: 'yes_no' };
    return st;
  };

  it('reads typed values for any checkpoint, a legacy verdict only for the current checkpoint id', () => {
    const args = { state: started(), text: 't', now: T0 };
    const typed = readTurnEvaluation({ ...args, agents: { checklist: ok('checklist', { findings: { values: { a: { type: 'scale', score: 7 }, b: { type: 'yes_no', answer: false } } } }) } });
    expect(typed?.evaluation.values).toEqual({ a: { type: 'scale', score: 7 }, b: { type: 'yes_no', answer: false } });
    // A value of the wrong type, out of range, or for an unknown checkpoint is dropped.
    const bad = readTurnEvaluation({ ...args, agents: { checklist: ok('checklist', { findings: { values: { a: { type: 'scale', score: 70 }, b: { type: 'scale', score: 1 }, zz: { type: 'yes_no', answer: true } } } }) } });
    expect(bad?.evaluation.values).toEqual({});
    expect(readTurnEvaluation({ ...args, agents: { checklist: ok('checklist', checklist('a', true)) } })?.evaluation.legacyComplete).toBe(true);
    expect(readTurnEvaluation({ ...args, agents: { checklist: ok('checklist', checklist('b', true)) } })?.evaluation.legacyComplete).toBe(false);
    expect(readTurnEvaluation({ ...args, agents: {} })).toBeNull();
  });

  it('caches an evaluation for one minute and reuses it when the checklist gives none', () => {
    const cache = new MapCache<CachedEvaluation>();
    const base = { state: started(), text: 'I slept well', cache };
    readTurnEvaluation({ ...base, now: T0, agents: { checklist: ok('checklist', { findings: { values: { a: { type: 'scale', score: 6 } } } }) } });
    expect([...cache.map.values()][0]).toMatchObject({ complete: true, evaluated_at: T0 });
    expect([...cache.map.keys()][0]).not.toContain('slept'); // the key never holds user text
    const failed = { checklist: { agent: 'checklist', status: 'timeout', latency_ms: 100 } as AgentResult };
    expect(readTurnEvaluation({ ...base, now: T0 + EVALUATION_TTL_MS - 1, agents: failed })).toMatchObject({ source: 'cache', evaluation: { values: { a: { type: 'scale', score: 6 } } } });
    expect(readTurnEvaluation({ ...base, now: T0 + EVALUATION_TTL_MS, agents: failed })).toBeNull();
    expect(readTurnEvaluation({ ...base, text: 'other text', now: T0 + 1, agents: failed })).toBeNull();
    expect(evaluationCacheKey('c', 'a', 'x')).not.toBe(evaluationCacheKey('c', 'b', 'x'));
  });

  it('a value for a later checkpoint completes it out of order; the asked checkpoint stays in progress', () => {
    const r = applyFanoutResult(started(), { query: makeQuery(), now: T0, fanout: fanout([ok('checklist', { findings: { values: { b: { type: 'yes_no', answer: true } } } })]) });
    expect(statuses(r.state)).toEqual([['active', 'a:in_progress', 'b:complete']]);
    expect(r.state.task_stack[0]!.checkpoints[1]!.value).toEqual({ type: 'yes_no', answer: true });
  });

  it('declined and skipped: a refusal declines the asked checkpoint; two unusable answers skip it', () => {
    const declined = applyFanoutResult(started(), { query: makeQuery(), now: T0, fanout: fanout([ok('checklist', { findings: { declined: ['a'] } })]) });
    expect(statuses(declined.state)).toEqual([['active', 'a:declined', 'b:pending']]);
    expect(declined.state.task_stack[0]!.checkpoints[0]!.value).toBeUndefined();
    const askedTwice = started();
    askedTwice.task_stack[0]!.checkpoints[0]!.asked = 2;
    const skipped = applyFanoutResult(askedTwice, { query: makeQuery(), now: T0, fanout: fanout([ok('checklist', { findings: {} })]) });
    expect(statuses(skipped.state)).toEqual([['active', 'a:skipped', 'b:pending']]);
    expect(skipped.state.task_stack[0]!.checkpoints[0]!.completed_at).toBeUndefined();
    // A stop turn skips nothing: the next message resumes on the same question.
    const stopped = applyFanoutResult(askedTwice, { query: makeQuery(), now: T0, fanout: fanout([ok('checklist', { findings: { intent: 'stop' } })]) });
    expect(statuses(stopped.state)).toEqual([['active', 'a:in_progress', 'b:pending']]);
    expect(stopped.state.stopped).toBe(true);
  });

  it('counts the question the reply asked; a later value corrects a complete checkpoint', () => {
    const r = applyFanoutResult(started(), {
      query: makeQuery(),
      now: T0,
      fanout: fanout([ok('checklist', { findings: { values: { a: { type: 'scale', score: 3 } } } })], {
        output: { responder: 'primary', response: 'q?', is_enriched: false, asks_checkpoint_id: 'b' },
      }),
    });
    expect(r.state.task_stack[0]!.checkpoints[1]!.asked).toBe(1);
    const corrected = applyFanoutResult(beginTurn(r.state), { query: makeQuery(), now: T0 + 1, fanout: fanout([ok('checklist', { findings: { values: { a: { type: 'scale', score: 5 } } } })]) });
    expect(corrected.state.task_stack[0]!.checkpoints[0]).toMatchObject({ status: 'complete', value: { type: 'scale', score: 5 } });
  });
});

describe('applyFanoutResult', () => {
  const query = makeQuery({ text: 'My name is Ann, I feel good' });

  it('completes the current checkpoint, uses the responder reply, keeps redacted text in the context', () => {
    const s = deepFreeze(beginTurn(stateWith(['a', 'b'])));
    const r = applyFanoutResult(s, {
      query,
      now: T0,
      fanout: fanout([ok('checklist', checklist('a', true)), ok('privacy', { redacted_text: 'My name is [NAME], I feel good' })]),
    });
    expect(statuses(r.state)).toEqual([['active', 'a:complete', 'b:pending']]);
    expect(r).toMatchObject({ reply: 'hi there', is_enriched: true, responder: 'primary', escalation: null, verdict: { checkpoint_id: 'a', complete: true } });
    expect(r.state.turn_count).toBe(1);
    expect(r.state.context.recent).toEqual([{ turn: 1, user: 'My name is [NAME], I feel good', reply: 'hi there' }]);
  });

  it('human flag: pauses, answers with the configured guidance, not enriched, records who/why', () => {
    const r = applyFanoutResult(beginTurn(stateWith(['a'])), { query, now: T0, fanout: fanout([ok('human_intervention', humanFlag('critical', 'self-harm risk'))]) });
    expect(r.state).toMatchObject({ is_paused: true, requires_human: true });
    // The agent's label is not a known category: the generic guidance (care team + emergency number).
    expect(r.reply).toBe(guidanceFor('unspecified', 'critical', 'en').text);
    expect(r.reply).not.toBe(HOLDING_REPLY);
    expect(r.is_enriched).toBe(false);
    expect(r.state.pause_log).toEqual([{ action: 'pause', by: 'agent:human_intervention', at: '2026-11-23T09:00:00.000Z', reason: 'critical: self-harm risk' }]);
  });

  it('a human flag from another agent, or a failed human_intervention agent, does not pause', () => {
    const r = applyFanoutResult(beginTurn(stateWith(['a'])), { query, now: T0, fanout: fanout([ok('nutrition', humanFlag())]) });
    expect(r.state.is_paused).toBe(false);
  });

  it('responder failure: fallback reply, turn still counted', () => {
    const r = applyFanoutResult(beginTurn(stateWith(['a'])), { query, now: T0, fanout: fanout([], { status: 'timeout', output: undefined }) });
    expect(r.reply).toBe(FALLBACK_REPLY);
    expect(r.is_enriched).toBe(false);
    expect(r.state.turn_count).toBe(1);
  });

  it('holding turn: no state change except the turn and context', () => {
    const s = stateWith(['a']);
    const r = applyHoldingTurn(s, { query, now: T0 });
    expect(r.reply).toBe(guidanceFor('unspecified', null, 'en').text);
    expect(r.state.task_stack).toEqual(s.task_stack);
    expect(r.state.turn_count).toBe(1);
  });
});

describe('bounded context', () => {
  it('keeps the last turns verbatim and folds older ones into a capped summary', () => {
    let ctx = { summary: '', recent: [] as Array<{ turn: number; user: string; reply: string }> };
    for (let i = 1; i <= 200; i++) ctx = appendTurnContext(ctx, { turn: i, user: `user text ${i} `.repeat(20), reply: `reply ${i}` });
    expect(ctx.recent.map((r) => r.turn)).toEqual(Array.from({ length: RECENT_TURNS }, (_, i) => 200 - RECENT_TURNS + 1 + i));
    expect(ctx.summary.length).toBeLessThanOrEqual(4000);
    expect(ctx.summary).toContain(`Turn ${200 - RECENT_TURNS}:`);
    expect(ctx.summary).not.toContain('Turn 1:');
  });

  it('agent input carries the current task, checkpoint, its task checkpoints and bounded context', () => {
    const s = beginTurn(stateWith(['a', 'b'], [['privacy', ['p1']]]));
    const input = buildAgentTurnInput(s, makeQuery({ channel: 'sms' }), 1);
    expect(input.task).toEqual({ task_id: 'main', name: 'Main', kind: 'main', status: 'active' });
    expect(input.checkpoint?.checkpoint_id).toBe('a');
    expect(input.checkpoint?.status).toBe('in_progress');
    expect(input.task_checkpoints.map((c) => c.checkpoint_id)).toEqual(['a', 'b']);
    expect(input).toMatchObject({ contract_version: 1, channel: 'sms', detected_agent: 'general', context: { summary: '', recent: [], turn_number: 1 } });
  });
});

describe('timing', () => {
  it('collects per-step durations from the injected clock and renders Server-Timing', async () => {
    const clock = new FixedClock(1000);
    const timer = new TurnTimer(clock, 990);
    await timer.time('state', async () => clock.advance(12.345));
    timer.timeSync('checkpoints', () => clock.advance(1));
    await timer.time('agents', async () => clock.advance(300));
    timer.add('persist', 7);
    const m = timer.snapshot();
    expect(m).toEqual({ state: 12.35, checkpoints: 1, agents: 300, response: 0, persist: 7, total: 323.35 });
    expect(serverTimingHeader(m)).toBe('state;dur=12.35, checkpoints;dur=1, agents;dur=300, response;dur=0, persist;dur=7, total;dur=323.35');
  });
});
