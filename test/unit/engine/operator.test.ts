import { describe, expect, it } from 'vitest';
import { ConversationNotFoundError, ConversationNotPausedError, RequestValidationError } from '../../../functions/core/errors.js';
import { inspectConversation, resumeConversation } from '../../../functions/orchestrate/operator.js';
import { checklist, humanFlag } from '../../support/fakes.js';
import { harness } from './harness.js';

const base = { conversation_id: 'op-1', plan: 'accountability', services: ['followup'] };

describe('inspectConversation', () => {
  it('returns task stack, checkpoint statuses, flags, version, turn count, timestamps — and no user text', async () => {
    const h = harness(base, [{ agents: { checklist: checklist('acct_review', true) } }]);
    await h.say('I did my walks, my phone number is 555-0100');
    const view = await inspectConversation(h.deps, 'op-1');
    expect(view).toMatchObject({
      conversation_id: 'op-1',
      individual_id: 'ind-1',
      plan: 'accountability',
      services: ['followup'],
      schema_version: 2,
      version: 1,
      turn_count: 1,
      is_paused: false,
      requires_human: false,
      current: { task_id: 'accountability_main', checkpoint_id: 'acct_obstacles' },
      checkpoint_progress: { acct_review: true, acct_obstacles: false },
      pause_log: [],
      created_at: '2026-11-23T09:00:30.000Z',
      updated_at: '2026-11-23T09:00:30.000Z',
    });
    expect(view.task_stack[0]!.checkpoints[0]).toEqual({
      checkpoint_id: 'acct_review',
      description: 'How the last plan went',
      status: 'complete',
      source: 'plan',
      completed_at: '2026-11-23T09:00:30.000Z',
      // A legacy verdict (no typed value) completes the checkpoint without a value; the slot is shown.
      slot: 'outcome',
      value: null,
      asked: 0,
    });
    expect(view.task_stack[1]).toMatchObject({ task_id: 'support_followup', kind: 'support', service: 'followup', status: 'active' });
    expect(JSON.stringify(view)).not.toContain('555-0100');
  });

  it('unknown id → ConversationNotFoundError (404); another individual → the same 404', async () => {
    const h = harness(base, []);
    await expect(inspectConversation(h.deps, 'nope')).rejects.toThrow(ConversationNotFoundError);
    await h.say('hi');
    await expect(inspectConversation(h.deps, 'op-1', { individualId: 'ind-2' })).rejects.toThrow(ConversationNotFoundError);
    await expect(inspectConversation(h.deps, 'op-1', { individualId: 'ind-1' })).resolves.toMatchObject({ conversation_id: 'op-1' });
  });
});

describe('resumeConversation', () => {
  it('resumes a paused conversation, recording who/when/why', async () => {
    const h = harness(base, [{ agents: { human_intervention: humanFlag('critical', 'crisis') } }]);
    await h.say('crisis text');
    const view = await resumeConversation(h.deps, 'op-1', { by: ' nurse-1 ', reason: ' spoke on the phone ' });
    expect(view).toMatchObject({ is_paused: false, requires_human: false, version: 2 });
    expect(view.pause_log.map((p) => [p.action, p.by, p.reason])).toEqual([
      ['pause', 'agent:human_intervention', 'critical: crisis'],
      ['resume', 'nurse-1', 'spoke on the phone'],
    ]);
    expect(view.task_stack[0]).toMatchObject({ status: 'active' });
    expect(view.task_stack[0]!.checkpoints[0]!.status).toBe('in_progress');
  });

  it('not paused → ConversationNotPausedError (409); unknown → 404; empty by/reason → 400', async () => {
    const h = harness(base, []);
    await expect(resumeConversation(h.deps, 'op-1', { by: 'n', reason: 'r' })).rejects.toThrow(ConversationNotFoundError);
    await h.say('hi');
    const err = await resumeConversation(h.deps, 'op-1', { by: 'n', reason: 'r' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversationNotPausedError);
    expect((err as ConversationNotPausedError).statusCode).toBe(409);
    await expect(resumeConversation(h.deps, 'op-1', { by: '', reason: 'r' })).rejects.toThrow(RequestValidationError);
    await expect(resumeConversation(h.deps, 'op-1', { by: 'n', reason: '  ' })).rejects.toThrow(RequestValidationError);
    expect(h.store.items.get('op-1')!.version).toBe(1); // nothing written
  });
});
