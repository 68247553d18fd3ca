/**
 * The turn use case's own rules: commit before reply, the conflict policy (stale cache → re-read and re-run
 * once; table → 409), ownership, migration on load, evaluation cache across a retried turn, timing, turn
 * records, background dispatch.
 */
import { describe, expect, it } from 'vitest';
import { ConversationNotFoundError, RequestValidationError, TurnConflictError, UnknownPlanError } from '../../../functions/core/errors.js';
import { StoreUnavailableError } from '../../../functions/core/ports.js';
import { orchestrateTurn } from '../../../functions/orchestrate/turn.js';
import { checklist, makeQuery } from '../../support/fakes.js';
import { done, harness } from './harness.js';

const base = { conversation_id: 'c-1', plan: 'daily_checkin' };

describe('commit before reply', () => {
  it('a store failure on commit fails the turn and dispatches nothing', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('checkin_mood', true) } }]);
    h.store.commitTurn = async () => {
      throw new StoreUnavailableError('throttled', 2);
    };
    await expect(h.say('good')).rejects.toThrow(StoreUnavailableError);
    expect(h.dispatcher.generations).toEqual([]);
    expect(h.dispatcher.asyncRuns).toEqual([]);
    expect(h.store.items.size).toBe(0);
  });

  it('a retried turn keeps its checkpoint evaluation from the 1-minute cache even if the checklist is down', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('checkin_mood', true) } }, { agents: { checklist: { status: 'timeout' } } }]);
    const commit = h.store.commitTurn.bind(h.store);
    h.store.commitTurn = async () => {
      throw new StoreUnavailableError('throttled');
    };
    await expect(h.say('I feel good')).rejects.toThrow(StoreUnavailableError);
    h.store.commitTurn = commit;
    const retry = await orchestrateTurn(h.deps, makeQuery({ ...base, text: 'I feel good' }), { requestStartedAt: h.clock.now() + 5_000 });
    expect(done(retry)).toEqual(['checkin_mood']);
  });
});

describe('conflict policy', () => {
  it('state from the table + conflict → TurnConflictError (409) with Retry-After', async () => {
    const h = harness(base, []);
    await h.say('first');
    h.store.beforeCommit = (id) => h.store.concurrentWrite(id);
    const err = await h.say('second').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TurnConflictError);
    expect((err as TurnConflictError).statusCode).toBe(409);
    expect((err as TurnConflictError).retryAfterSeconds).toBe(1);
    expect(h.dispatcher.generations).toHaveLength(1); // only the first turn's
  });

  it('two new conversations racing: the loser gets a 409', async () => {
    const h = harness(base, []);
    h.store.beforeCommit = (id) => {
      h.store.beforeCommit = undefined;
      h.store.seed(id, structuredClone(h.store.items.get(id)?.state ?? { placeholder: true }));
    };
    await expect(h.say('hello')).rejects.toThrow(TurnConflictError);
  });

  it('stale warm cache + background write → re-read from the table, re-run once reusing the agent results', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('checkin_mood', true) } }, { agents: { checklist: checklist('checkin_sleep', true) } }]);
    h.store.useCache = true;
    await h.say('good');
    // the checkpoint generator (background) wrote after our cache was filled
    h.store.concurrentWrite('c-1', (s) => ({ ...s, context: { ...s.context, summary: 'from history agent' } }));
    const t2 = await h.say('slept well');
    expect(h.fanout.runs).toHaveLength(2); // not re-run
    expect(h.store.calls.conflicts).toBe(1);
    expect(done(t2)).toEqual(['checkin_mood', 'checkin_sleep']);
    const stored = h.store.items.get('c-1')!;
    expect(stored.version).toBe(3);
    expect(stored.state.context.summary).toBe('from history agent'); // the other write is not lost
    expect(stored.state.turn_count).toBe(2);
  });

  it('stale warm cache + a concurrent turn → the re-run calls the agents again on the fresh state', async () => {
    const h = harness(base, [
      { agents: { checklist: checklist('checkin_mood', true) } },
      { agents: { checklist: checklist('checkin_sleep', true) } },
      { agents: { checklist: checklist('checkin_meals', true) } },
    ]);
    h.store.useCache = true;
    await h.say('good');
    // another container committed turn 2 (sleep) meanwhile
    h.store.concurrentWrite('c-1', (s) => {
      const t = structuredClone(s);
      t.turn_count = 2;
      t.task_stack[0]!.checkpoints[1]!.status = 'complete';
      return t;
    });
    const t = await h.say('porridge');
    expect(h.fanout.runs).toHaveLength(3);
    expect(h.fanout.runs[2]!.input.checkpoint?.checkpoint_id).toBe('checkin_meals');
    expect(done(t)).toEqual(['checkin_mood', 'checkin_sleep', 'checkin_meals']);
    expect(h.store.items.get('c-1')!.state.turn_count).toBe(3);
  });

  it('a second conflict on the re-run → TurnConflictError', async () => {
    const h = harness(base, []);
    h.store.useCache = true;
    await h.say('good');
    h.store.beforeCommit = (id) => h.store.concurrentWrite(id);
    await expect(h.say('again')).rejects.toThrow(TurnConflictError);
    expect(h.store.calls.conflicts).toBe(2);
  });
});

describe('loading', () => {
  it("another individual's conversation is a 404, never their data", async () => {
    const h = harness(base, []);
    await h.say('hello');
    await expect(h.say('hi', { individual_id: 'someone-else' })).rejects.toThrow(ConversationNotFoundError);
  });

  it('a conversation stored by the v0 release loads, migrates and continues', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('checkin_sleep', true) } }]);
    h.store.seed('c-1', {
      conversation_id: 'c-1',
      individual_id: 'ind-1',
      plan: 'daily_checkin',
      tasks: [{ task_id: 'daily_checkin_main', name: 'Daily', checkpoints: [{ id: 'checkin_mood', description: 'Mood', completed: true }, { id: 'checkin_sleep', description: 'Sleep' }] }],
      turn_count: 1,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    const t = await h.say('slept fine');
    expect(done(t)).toEqual(['checkin_mood', 'checkin_sleep']);
    expect(h.store.items.get('c-1')!.state.schema_version).toBe(2);
  });

  it('an unknown plan for a new conversation is an UnknownPlanError', async () => {
    const h = harness({ ...base, plan: 'nope' }, []);
    const err = await h.say('hello').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownPlanError);
    expect(err).toBeInstanceOf(RequestValidationError); // → 400 with the usual details body
    expect((err as UnknownPlanError).body.details).toEqual([{ field: 'plan', problem: expect.stringContaining("unknown plan 'nope'; accepted: accountability") }]);
    expect(h.store.items.size).toBe(0);
  });

  it('an external checkpoint source supplies the initial checkpoints', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('ext_1', true) } }]);
    h.deps.checkpoints = {
      initial: async (args) => {
        expect(args).toEqual({ plan: 'daily_checkin', conversation_id: 'c-1', task_id: 'daily_checkin_main' });
        return [{ checkpoint_id: 'ext_1', description: 'd', question: 'q', criteria: { min_words: 1 } }];
      },
    };
    const t = await h.say('hello');
    expect(t.response.checkpoints).toEqual(['ext_1']);
    expect(h.store.items.get('c-1')!.state.task_stack[0]!.checkpoints[0]!.source).toBe('external');
  });
});

describe('records, timing and dispatch', () => {
  it('turn record: agents, responder, no user text unless configured, idempotency key', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('checkin_mood', true) } }]);
    await orchestrateTurn(h.deps, makeQuery({ ...base, text: 'secret health text' }), { requestStartedAt: h.clock.now(), idempotencyKey: 'idem-1' });
    const [rec] = h.store.turns.get('c-1')!;
    expect(rec).toMatchObject({ turn: 1, call_log_id: 'call-1', responder: 'primary', detected_agent: 'general', idempotency_key: 'idem-1' });
    expect(rec!.text).toBeUndefined();
    expect(rec!.agents).toEqual(expect.arrayContaining([{ agent: 'checklist', status: 'ok', latency_ms: 5 }]));
    const h2 = harness(base, [], { storeTurnText: true });
    await h2.say('kept text');
    expect(h2.store.turns.get('c-1')![0]!.text).toBe('kept text');
  });

  it('timing_metrics has every step and matches the Server-Timing header; the deadline uses the budget', async () => {
    const h = harness(base, [], { turnBudgetMs: 20_000 });
    const t = await h.say('hello');
    expect(Object.keys(t.response.timing_metrics)).toEqual(expect.arrayContaining(['state', 'checkpoints', 'agents', 'response', 'persist', 'total']));
    expect(t.response.timing_metrics['response']).toBe(10); // responder latency reported by the fan-out
    for (const [k, v] of Object.entries(t.response.timing_metrics)) expect(t.serverTiming).toContain(`${k};dur=${v}`);
    expect(h.fanout.runs[0]!.deadline).toBe(h.clock.now() + 20_000);
  });

  it('checkpoint generation request and async agents after the commit', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('checkin_mood', true) } }]);
    const t = await h.say('good', { detected_agent: 'general' });
    expect(h.dispatcher.generations).toEqual([
      {
        contract_version: 1,
        conversation_id: 'c-1',
        plan: 'daily_checkin',
        task_id: 'daily_checkin_main',
        based_on_version: t.version,
        completed_checkpoint_ids: ['checkin_mood'],
        context_summary: '',
        detected_agent: 'general',
      },
    ]);
    expect(h.dispatcher.asyncRuns).toHaveLength(1);
    expect(h.dispatcher.asyncRuns[0]!.input.context.recent).toEqual([{ turn: 1, user: 'good', reply: 'reply 1 from primary' }]);
  });
});
