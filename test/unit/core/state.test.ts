import { describe, expect, it } from 'vitest';
import { StateMigrationError } from '../../../functions/core/errors.js';
import { migrateState, newConversation, SCHEMA_VERSION } from '../../../functions/core/state.js';
import { checkTaskStack } from '../../../functions/core/task-stack.js';
import { makeQuery } from '../../support/fakes.js';
import { stateWith, statuses, T0 } from './helpers.js';

/** A conversation as the v0 release stored it (see ConversationStateSchemaV0). */
function v0(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    conversation_id: 'c-old',
    individual_id: 'ind-1',
    user_profile_id: 'prof-1',
    agent_instance_id: 'inst-1',
    plan: 'daily_checkin',
    services: ['privacy'],
    tasks: [
      {
        task_id: 'daily_checkin_main',
        name: 'Daily check-in',
        type: 'main',
        completed: false,
        checkpoints: [
          { id: 'checkin_mood', description: 'Mood', question: 'How are you?', criteria: { keywords_any: ['good'] }, completed: true },
          { id: 'checkin_sleep', description: 'Sleep', completed: false },
          { id: 'checkin_meals', description: 'Meals', completed: false },
        ],
      },
      { task_id: 'support_privacy', name: 'Privacy', type: 'support', service: 'privacy', completed: false, checkpoints: [{ id: 'privacy_consent', description: 'Consent', completed: false }] },
    ],
    turn_count: 3,
    paused: false,
    summary: 'earlier summary',
    history: [
      { user: 'u1', assistant: 'a1' },
      { user: 'u2', assistant: 'a2' },
      { user: 'u3', assistant: 'a3' },
    ],
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
    pk: 'CONV#c-old',
    ...overrides,
  };
}

describe('newConversation', () => {
  it('builds a v1 state from the query with nothing in progress yet', () => {
    const s = newConversation(makeQuery({ channel: 'sms', services: ['privacy'] }), stateWith(['a']).task_stack, T0);
    expect(s).toMatchObject({
      schema_version: SCHEMA_VERSION,
      conversation_id: 'conv-1',
      individual_id: 'ind-1',
      plan: 'daily_checkin',
      services: ['privacy'],
      channel: 'sms',
      turn_count: 0,
      is_paused: false,
      requires_human: false,
      pause_log: [],
      context: { summary: '', recent: [] },
      created_at: '2026-11-23T09:00:00.000Z',
      updated_at: '2026-11-23T09:00:00.000Z',
    });
    expect(statuses(s)).toEqual([['active', 'a:pending']]);
  });
});

describe('migrateState', () => {
  it('returns a valid v1 state as it is, keeping store attributes', () => {
    const s = { ...stateWith(['a']), pk: 'CONV#conv-1', expires_at: 123 };
    expect(migrateState(s)).toBe(s);
  });

  it('migrates v0 (no schema_version) through v1 to v2: statuses from completed flags, context from history', () => {
    const s = migrateState(v0());
    expect(s.schema_version).toBe(2);
    expect(statuses(s)).toEqual([
      ['active', 'checkin_mood:complete', 'checkin_sleep:in_progress', 'checkin_meals:pending'],
      ['active', 'privacy_consent:pending'],
    ]);
    expect(s.task_stack[0]!.checkpoints[1]).toMatchObject({ question: 'Sleep', criteria: {}, source: 'plan' });
    expect(s.task_stack[0]!.checkpoints[0]!.completed_at).toBe('2026-01-02T00:00:00.000Z');
    expect(s.task_stack[1]).toMatchObject({ kind: 'support', service: 'privacy' });
    expect(s.context).toEqual({
      summary: 'earlier summary',
      recent: [
        { turn: 1, user: 'u1', reply: 'a1' },
        { turn: 2, user: 'u2', reply: 'a2' },
        { turn: 3, user: 'u3', reply: 'a3' },
      ],
    });
    expect(s).toMatchObject({ is_paused: false, requires_human: false, pause_log: [], channel: null, turn_count: 3 });
    expect(checkTaskStack(s)).toEqual([]);
    // and the result is itself a valid current state
    expect(migrateState(s)).toBe(s);
  });

  it('migrates a stored v1 conversation to v2: slots from the legacy criteria, questions as English, no values', () => {
    const v1 = {
      ...migrateState(v0()),
      schema_version: 1,
    } as Record<string, unknown>;
    delete v1['language'];
    delete v1['noted'];
    delete v1['stopped'];
    const tasks = v1['task_stack'] as Array<{ checkpoints: Array<Record<string, unknown>> }>;
    for (const t of tasks) for (const c of t.checkpoints) { delete c['slot']; delete c['questions']; }
    tasks[0]!.checkpoints[0]!['criteria'] = { keywords_any: ['good', 'bad'] };
    tasks[0]!.checkpoints[1]!['criteria'] = { keywords_any: ['1', '2', '3', '10'] };
    tasks[0]!.checkpoints[2]!['criteria'] = { agent_finding: { agent: 'nutrition', key: 'meals' } };
    const s = migrateState(v1);
    expect(s.schema_version).toBe(2);
    expect(s.task_stack[0]!.checkpoints.map((c) => c.slot?.type)).toEqual(['free_text', 'scale', 'meals']);
    expect(s.task_stack[0]!.checkpoints[1]!.questions).toEqual({ en: 'Sleep' });
    expect(s.task_stack[0]!.checkpoints.every((c) => c.value === undefined)).toBe(true);
    expect(statuses(s)[0]).toEqual(['active', 'checkin_mood:complete', 'checkin_sleep:in_progress', 'checkin_meals:pending']);
    expect(s).toMatchObject({ language: 'en', noted: {}, stopped: false });
    expect(checkTaskStack(s)).toEqual([]);
    expect(migrateState(s)).toBe(s);
  });

  it('a v2 state with an unknown slot type or a malformed value is a StateMigrationError', () => {
    const s = structuredClone(migrateState(v0())) as unknown as { task_stack: Array<{ checkpoints: Array<Record<string, unknown>> }> };
    s.task_stack[0]!.checkpoints[0]!['value'] = { type: 'scale', score: 'seven' };
    expect(() => migrateState(s)).toThrow(StateMigrationError);
  });

  it('migrates a paused v0 conversation to paused v1 with a pause record', () => {
    const s = migrateState(v0({ paused: true, schema_version: 0 }));
    expect(s.is_paused).toBe(true);
    expect(s.requires_human).toBe(true);
    expect(statuses(s)[0]).toEqual(['paused', 'checkin_mood:complete', 'checkin_sleep:paused', 'checkin_meals:pending']);
    expect(s.pause_log).toEqual([{ action: 'pause', by: 'migration:v0', at: '2026-01-02T00:00:00.000Z', reason: 'paused before schema v1' }]);
    expect(checkTaskStack(s)).toEqual([]);
  });

  it('a v0 checkpoint completed out of order is reopened (v1 completes in order)', () => {
    const raw = v0();
    const tasks = raw['tasks'] as Array<{ checkpoints: Array<{ completed: boolean }> }>;
    tasks[0]!.checkpoints[0]!.completed = false;
    tasks[0]!.checkpoints[2]!.completed = true;
    const s = migrateState(raw);
    expect(statuses(s)[0]).toEqual(['active', 'checkin_mood:in_progress', 'checkin_sleep:pending', 'checkin_meals:pending']);
    expect(checkTaskStack(s)).toEqual([]);
  });

  it('a v0 conversation with every task complete migrates to all complete', () => {
    const raw = v0();
    for (const t of raw['tasks'] as Array<{ completed: boolean; checkpoints: Array<{ completed: boolean }> }>) {
      t.completed = true;
      t.checkpoints.forEach((c) => (c.completed = true));
    }
    const s = migrateState(raw);
    expect(s.task_stack.every((t) => t.status === 'complete')).toBe(true);
    expect(checkTaskStack(s)).toEqual([]);
  });

  it.each([
    ['not an object', 'hello', /not an object/],
    ['a newer schema', { schema_version: 99 }, /unknown schema_version/],
    ['a broken v1', { ...stateWith(['a']), task_stack: 'nope' }, /task_stack/],
    ['a broken v0', { conversation_id: 'x' }, /individual_id|plan|tasks/],
  ])('rejects %s with a StateMigrationError', (_name, raw, message) => {
    expect(() => migrateState(raw)).toThrow(StateMigrationError);
    expect(() => migrateState(raw)).toThrow(message);
  });
});
