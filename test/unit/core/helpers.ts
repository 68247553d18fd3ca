/** Shared builders for core unit tests. */
import type { GeneratedCheckpoint } from '../../../functions/contracts/agent.js';
import { newConversation, type ConversationState } from '../../../functions/core/state.js';
import { addSupportTasks, buildTask } from '../../../functions/core/task-stack.js';
import { makeQuery } from '../../support/fakes.js';

export const T0 = Date.parse('2026-11-23T09:00:00.000Z');
export const AT = '2026-11-23T09:05:00.000Z';

export function gen(id: string): GeneratedCheckpoint {
  return { checkpoint_id: id, description: `about ${id}`, question: `${id}?`, criteria: { keywords_any: [id] } };
}

/** A conversation with a main task (main checkpoint ids) and support tasks given as [service, ids]. */
export function stateWith(main: string[], support: Array<[string, string[]]> = []): ConversationState {
  const s = newConversation(makeQuery(), [buildTask({ task_id: 'main', name: 'Main', kind: 'main', checkpoints: main.map(gen) }, 'plan')], T0);
  return addSupportTasks(
    s,
    support.map(([service, ids]) => buildTask({ task_id: `support_${service}`, name: service, kind: 'support', service, checkpoints: ids.map(gen) }, 'plan')),
  );
}

/** Recursively freeze, so any mutation of an input throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value as Record<string, unknown>).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export function statuses(state: ConversationState): string[][] {
  return state.task_stack.map((t) => [t.status, ...t.checkpoints.map((c) => `${c.checkpoint_id}:${c.status}`)]);
}
