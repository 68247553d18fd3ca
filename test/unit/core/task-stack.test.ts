import { describe, expect, it } from 'vitest';
import { PlanCatalogError } from '../../../functions/core/errors.js';
import {
  addSupportTasks,
  applyCheckpointVerdict,
  beginTurn,
  buildTask,
  checkpointProgress,
  checkTaskStack,
  currentPosition,
  mergeGeneratedCheckpoints,
  pauseForHuman,
  resumeFromPause,
  settleStack,
  taskStackView,
  MAX_PAUSE_LOG,
} from '../../../functions/core/task-stack.js';
import type { ConversationState } from '../../../functions/core/state.js';
import { AT, deepFreeze, gen, stateWith, statuses } from './helpers.js';

const complete = (s: ConversationState, id: string) => applyCheckpointVerdict(beginTurn(s), { checkpoint_id: id, complete: true }, AT);

describe('building tasks', () => {
  it('creates checkpoints generated → pending and the task active', () => {
    const task = buildTask({ task_id: 't', name: 'T', kind: 'main', checkpoints: [gen('a'), gen('b')] }, 'plan');
    expect(task.status).toBe('active');
    expect(task.checkpoints.map((c) => c.status)).toEqual(['pending', 'pending']);
  });

  it('rejects duplicate checkpoint ids in one task', () => {
    expect(() => buildTask({ task_id: 't', name: 'T', kind: 'main', checkpoints: [gen('a'), gen('a')] }, 'plan')).toThrow(PlanCatalogError);
  });
});

describe('task execution flow', () => {
  it('a turn puts the first pending checkpoint of the current task in progress', () => {
    const s = beginTurn(stateWith(['a', 'b']));
    expect(statuses(s)).toEqual([['active', 'a:in_progress', 'b:pending']]);
    expect(currentPosition(s)?.checkpoint?.checkpoint_id).toBe('a');
  });

  it('criteria not met: evaluating → back to in_progress, nothing advances', () => {
    const s = applyCheckpointVerdict(beginTurn(stateWith(['a', 'b'])), { checkpoint_id: 'a', complete: false }, AT);
    expect(statuses(s)).toEqual([['active', 'a:in_progress', 'b:pending']]);
  });

  it('criteria met: complete with completed_at, advance to the next checkpoint (pending until the next turn)', () => {
    const s = complete(stateWith(['a', 'b']), 'a');
    expect(statuses(s)).toEqual([['active', 'a:complete', 'b:pending']]);
    expect(s.task_stack[0]!.checkpoints[0]!.completed_at).toBe(AT);
    expect(statuses(beginTurn(s))).toEqual([['active', 'a:complete', 'b:in_progress']]);
  });

  it('last checkpoint of a task: task complete, next active task becomes current', () => {
    const s = complete(stateWith(['a'], [['privacy', ['p1']]]), 'a');
    expect(statuses(s)).toEqual([['complete', 'a:complete'], ['active', 'p1:pending']]);
    expect(currentPosition(s)?.task.task_id).toBe('support_privacy');
  });

  it('last checkpoint of the last task: every task complete, no current position, further verdicts ignored', () => {
    let s = complete(stateWith(['a'], [['privacy', ['p1']]]), 'a');
    s = complete(s, 'p1');
    expect(statuses(s)).toEqual([['complete', 'a:complete'], ['complete', 'p1:complete']]);
    expect(currentPosition(s)).toBeNull();
    expect(beginTurn(s)).toEqual(s);
    expect(applyCheckpointVerdict(s, { checkpoint_id: 'p1', complete: true }, AT)).toBe(s);
    expect(checkTaskStack(s)).toEqual([]);
  });

  it('empty support tasks are marked complete and skipped', () => {
    const s = beginTurn(stateWith(['a'], [['followup', []], ['nutrition', ['n1']]]));
    const done = complete(s, 'a');
    expect(statuses(done)).toEqual([['complete', 'a:complete'], ['complete'], ['active', 'n1:pending']]);
    expect(checkTaskStack(beginTurn(done))).toEqual([]);
  });

  it('a task stack of only empty tasks settles to all complete', () => {
    const s = settleStack(stateWith([], [['followup', []]]));
    expect(statuses(s)).toEqual([['complete'], ['complete']]);
    expect(currentPosition(s)).toBeNull();
  });

  it('a verdict for another checkpoint (wrong id, or a later one) changes nothing', () => {
    const s = beginTurn(stateWith(['a', 'b']));
    expect(applyCheckpointVerdict(s, { checkpoint_id: 'b', complete: true }, AT)).toBe(s);
    expect(applyCheckpointVerdict(s, { checkpoint_id: 'zzz', complete: true }, AT)).toBe(s);
  });

  it('a verdict on a pending (not yet started) checkpoint changes nothing', () => {
    const s = stateWith(['a']);
    expect(applyCheckpointVerdict(s, { checkpoint_id: 'a', complete: true }, AT)).toBe(s);
  });

  it('never mutates its inputs', () => {
    const s = deepFreeze(stateWith(['a', 'b'], [['privacy', ['p1']]]));
    const began = deepFreeze(beginTurn(s));
    const done = deepFreeze(applyCheckpointVerdict(began, { checkpoint_id: 'a', complete: true }, AT));
    const paused = deepFreeze(pauseForHuman(beginTurn(done), { by: 'agent:x', at: AT, reason: 'r' }));
    resumeFromPause(paused, { by: 'op', at: AT, reason: 'ok' });
    mergeGeneratedCheckpoints(done, 'main', [gen('c')]);
    expect(s.task_stack[0]!.checkpoints[0]!.status).toBe('pending');
  });
});

describe('pause and resume', () => {
  it('pause: flags set, task paused, in-progress checkpoint paused, log records who/when/why', () => {
    const s = pauseForHuman(beginTurn(stateWith(['a', 'b'])), { by: 'agent:human_intervention', at: AT, reason: 'high: risk' });
    expect(s.is_paused).toBe(true);
    expect(s.requires_human).toBe(true);
    expect(statuses(s)).toEqual([['paused', 'a:paused', 'b:pending']]);
    expect(s.pause_log).toEqual([{ action: 'pause', by: 'agent:human_intervention', at: AT, reason: 'high: risk' }]);
    expect(checkTaskStack(s)).toEqual([]);
  });

  it('a paused conversation does not start or evaluate checkpoints', () => {
    const s = pauseForHuman(beginTurn(stateWith(['a'])), { by: 'x', at: AT, reason: 'r' });
    expect(beginTurn(s)).toBe(s);
    expect(applyCheckpointVerdict(s, { checkpoint_id: 'a', complete: true }, AT)).toBe(s);
  });

  it('pause right after a checkpoint completed leaves the next one pending (no pending → paused edge)', () => {
    const s = pauseForHuman(complete(stateWith(['a', 'b']), 'a'), { by: 'x', at: AT, reason: 'r' });
    expect(statuses(s)).toEqual([['paused', 'a:complete', 'b:pending']]);
    expect(checkTaskStack(s)).toEqual([]);
  });

  it('resume after pause: flags cleared, task active, checkpoint back in progress, resume recorded', () => {
    const paused = pauseForHuman(beginTurn(stateWith(['a', 'b'])), { by: 'agent:h', at: AT, reason: 'r' });
    const s = resumeFromPause(paused, { by: 'nurse-7', at: '2026-11-23T10:00:00.000Z', reason: 'called the person' });
    expect(s.is_paused).toBe(false);
    expect(s.requires_human).toBe(false);
    expect(statuses(s)).toEqual([['active', 'a:in_progress', 'b:pending']]);
    expect(s.pause_log.map((p) => `${p.action}:${p.by}`)).toEqual(['pause:agent:h', 'resume:nurse-7']);
    expect(checkTaskStack(s)).toEqual([]);
    // and the flow continues
    const next = applyCheckpointVerdict(s, { checkpoint_id: 'a', complete: true }, AT);
    expect(statuses(next)).toEqual([['active', 'a:complete', 'b:pending']]);
  });

  it('pause when every task is complete only sets the flags', () => {
    const done = complete(stateWith(['a']), 'a');
    const s = pauseForHuman(done, { by: 'x', at: AT, reason: 'r' });
    expect(s.is_paused).toBe(true);
    expect(statuses(s)).toEqual([['complete', 'a:complete']]);
    expect(checkTaskStack(s)).toEqual([]);
    expect(checkTaskStack(resumeFromPause(s, { by: 'y', at: AT, reason: 'r' }))).toEqual([]);
  });

  it('the pause log is bounded', () => {
    let s = beginTurn(stateWith(['a']));
    for (let i = 0; i < MAX_PAUSE_LOG + 5; i++) {
      s = pauseForHuman(s, { by: 'x', at: AT, reason: `p${i}` });
      s = resumeFromPause(s, { by: 'y', at: AT, reason: `r${i}` });
    }
    expect(s.pause_log).toHaveLength(MAX_PAUSE_LOG);
    expect(s.pause_log.at(-1)?.reason).toBe(`r${MAX_PAUSE_LOG + 4}`);
  });
});

describe('support tasks and generated checkpoints', () => {
  it('addSupportTasks skips a service already on the stack', () => {
    const s = stateWith(['a'], [['privacy', ['p1']]]);
    const again = addSupportTasks(s, [buildTask({ task_id: 'support_privacy2', name: 'p', kind: 'support', service: 'privacy', checkpoints: [gen('p9')] }, 'plan')]);
    expect(again).toBe(s);
  });

  it('merge appends new ids as pending, ignores ids already anywhere on the stack, never reopens a complete task', () => {
    const s = beginTurn(stateWith(['a'], [['privacy', ['p1']]]));
    const merged = mergeGeneratedCheckpoints(s, 'main', [gen('a'), gen('p1'), gen('c')])!;
    expect(statuses(merged)[0]).toEqual(['active', 'a:in_progress', 'c:pending']);
    expect(merged.task_stack[0]!.checkpoints[1]!.source).toBe('generated');
    expect(mergeGeneratedCheckpoints(merged, 'main', [gen('c')])).toBeNull();
    expect(mergeGeneratedCheckpoints(merged, 'nope', [gen('d')])).toBeNull();
    const done = complete(stateWith(['a']), 'a');
    expect(mergeGeneratedCheckpoints(done, 'main', [gen('z')])).toBeNull();
  });

  it('views: progress per checkpoint id, task stack entries with current checkpoint', () => {
    const s = complete(stateWith(['a', 'b'], [['privacy', ['p1']]]), 'a');
    expect(checkpointProgress(s)).toEqual({ a: true, b: false, p1: false });
    expect(taskStackView(s)).toEqual([
      { task_id: 'main', name: 'Main', kind: 'main', status: 'active', current_checkpoint_id: 'b', checkpoints: [{ checkpoint_id: 'a', status: 'complete' }, { checkpoint_id: 'b', status: 'pending' }] },
      { task_id: 'support_privacy', name: 'privacy', kind: 'support', service: 'privacy', status: 'active', current_checkpoint_id: 'p1', checkpoints: [{ checkpoint_id: 'p1', status: 'pending' }] },
    ]);
  });
});

describe('checkTaskStack finds inconsistencies', () => {
  const base = () => beginTurn(stateWith(['a', 'b'], [['privacy', ['p1']]]));
  const edit = (f: (s: ConversationState) => void) => {
    const s = structuredClone(base());
    f(s);
    return checkTaskStack(s);
  };
  const s0TaskId = () => base().task_stack[0]!.task_id;
  it('accepts a consistent stack', () => expect(checkTaskStack(base())).toEqual([]));
  it('complete task with an open checkpoint', () =>
    expect(edit((s) => (s.task_stack[0]!.status = 'complete')).join()).toMatch(/complete with an open checkpoint/));
  it('two in-progress checkpoints', () =>
    expect(edit((s) => (s.task_stack[0]!.checkpoints[1]!.status = 'in_progress')).join()).toMatch(/2 checkpoints are open/));
  it('a checkpoint answered before its turn (out of order) is consistent; declined / skipped count as settled', () => {
    expect(edit((s) => (s.task_stack[0]!.checkpoints[1]!.status = 'complete'))).toEqual([]);
    expect(
      edit((s) => {
        s.task_stack[0]!.checkpoints.forEach((c, i) => (c.status = i === 0 ? 'declined' : i === 1 ? 'skipped' : 'complete'));
        s.task_stack[0]!.status = 'complete';
      }).filter((v) => v.includes(s0TaskId())),
    ).toEqual([]);
  });
  it('paused conversation with an in-progress checkpoint', () =>
    expect(edit((s) => (s.is_paused = true)).join()).toMatch(/in progress while paused/));
  it('paused checkpoint in an active conversation', () =>
    expect(edit((s) => (s.task_stack[0]!.checkpoints[0]!.status = 'paused')).join()).toMatch(/paused in an active conversation/));
  it('transient evaluating status persisted', () =>
    expect(edit((s) => (s.task_stack[0]!.checkpoints[0]!.status = 'evaluating')).join()).toMatch(/transient status evaluating/));
  it('requires_human without pause', () => expect(edit((s) => (s.requires_human = true)).join()).toMatch(/requires_human without is_paused/));
  it('duplicate checkpoint id', () =>
    expect(edit((s) => (s.task_stack[1]!.checkpoints[0]!.checkpoint_id = 'a')).join()).toMatch(/appears twice/));
  it('open checkpoint outside the current task', () =>
    expect(edit((s) => (s.task_stack[1]!.checkpoints[0]!.status = 'in_progress')).join()).toMatch(/not the current checkpoint/));
  it('current active task without an open checkpoint', () =>
    expect(
      edit((s) => {
        s.task_stack[0]!.checkpoints.forEach((c) => (c.status = 'complete'));
      }).join(),
    ).toMatch(/no open checkpoint but is not complete/));
});
