/**
 * The task stack, as the seed's "Task Execution Flow":
 *   current task active? → yes: current checkpoint → complete? → advance → more checkpoints? → next
 *                                                                        → no: mark task complete → find next active task
 *                        → no: find next active task
 * The stack is ordered: the main task first, then support tasks in the order their services were named.
 * The current task is the first task that is not complete; its current checkpoint is its first checkpoint
 * that is not complete. Everything here is a pure function: state in, new state out, inputs never mutated.
 */
import type { TaskStackEntry } from '../contracts/api.js';
import type { GeneratedCheckpoint } from '../contracts/agent.js';
import { isClosed, transitionCheckpoint } from './checkpoint-lifecycle.js';
import { PlanCatalogError } from './errors.js';
import { slotFromCriteria } from './slots/legacy.js';
import type { Checkpoint, ConversationState, PauseRecord, Task } from './state.js';

/** Most checkpoints one task may hold (agents receive the task's checkpoints; AgentTurnInput caps at 50). */
export const MAX_CHECKPOINTS_PER_TASK = 50;
/** Most pause/resume records kept per conversation (oldest dropped first). */
export const MAX_PAUSE_LOG = 20;

/** What a task is built from: a catalog task definition or generated checkpoints. */
export interface TaskDefinition {
  task_id: string;
  name: string;
  kind: 'main' | 'support';
  service?: string;
  checkpoints: readonly GeneratedCheckpoint[];
}

/** Where the conversation stands: the current task and its current checkpoint (null when none is open). */
export interface StackPosition {
  taskIndex: number;
  task: Task;
  checkpointIndex: number;
  checkpoint: Checkpoint | null;
}

/** A checkpoint as created: `generated`, then `pending` once added to its task (seed lifecycle). */
export function createCheckpoint(def: GeneratedCheckpoint, source: Checkpoint['source']): Checkpoint {
  const generated: Checkpoint = {
    checkpoint_id: def.checkpoint_id,
    description: def.description,
    question: def.question,
    questions: { en: def.question, ...def.questions },
    criteria: { ...def.criteria },
    // A checkpoint that declares no typed answer (an external service's, say) collects what its legacy
    // criteria describe.
    slot: def.slot !== undefined ? { ...def.slot } : slotFromCriteria(def.criteria ?? {}),
    status: 'generated',
    source,
  };
  if (def.rephrase !== undefined) generated.rephrase = { ...def.rephrase };
  return transitionCheckpoint(generated, 'pending');
}

/** Build an active task whose checkpoints are all pending. Duplicate checkpoint ids are a catalog error. */
export function buildTask(def: TaskDefinition, source: Checkpoint['source']): Task {
  const ids = new Set<string>();
  for (const cp of def.checkpoints) {
    if (ids.has(cp.checkpoint_id)) throw new PlanCatalogError(def.task_id, `duplicate checkpoint_id '${cp.checkpoint_id}'`);
    ids.add(cp.checkpoint_id);
  }
  if (def.checkpoints.length > MAX_CHECKPOINTS_PER_TASK) {
    throw new PlanCatalogError(def.task_id, `more than ${MAX_CHECKPOINTS_PER_TASK} checkpoints`);
  }
  const task: Task = {
    task_id: def.task_id,
    name: def.name,
    kind: def.kind,
    status: 'active',
    checkpoints: def.checkpoints.map((cp) => createCheckpoint(cp, source)),
  };
  if (def.service !== undefined) task.service = def.service;
  return task;
}

/** Index of the current task: the first one not complete (active, or paused while the conversation is). */
export function currentTaskIndex(state: ConversationState): number {
  return state.task_stack.findIndex((t) => t.status !== 'complete');
}

/** The current task and checkpoint, or null when every task is complete. */
export function currentPosition(state: ConversationState): StackPosition | null {
  const taskIndex = currentTaskIndex(state);
  if (taskIndex < 0) return null;
  const task = state.task_stack[taskIndex]!;
  const checkpointIndex = task.checkpoints.findIndex((c) => !isClosed(c.status));
  return { taskIndex, task, checkpointIndex, checkpoint: checkpointIndex < 0 ? null : task.checkpoints[checkpointIndex]! };
}

function replaceTask(state: ConversationState, index: number, task: Task): ConversationState {
  const task_stack = state.task_stack.slice();
  task_stack[index] = task;
  return { ...state, task_stack };
}

function replaceCheckpoint(task: Task, index: number, checkpoint: Checkpoint): Task {
  const checkpoints = task.checkpoints.slice();
  checkpoints[index] = checkpoint;
  return { ...task, checkpoints };
}

/**
 * "More checkpoints? no → mark task complete → find next active task": complete every leading active task
 * that has no open checkpoint left (including support tasks with no checkpoints at all). A paused
 * conversation is left as it is; it settles on resume.
 */
export function settleStack(state: ConversationState): ConversationState {
  if (state.is_paused) return state;
  let next = state;
  for (;;) {
    const pos = currentPosition(next);
    if (pos === null || pos.checkpoint !== null || pos.task.status !== 'active') return next;
    next = replaceTask(next, pos.taskIndex, { ...pos.task, status: 'complete' });
  }
}

/**
 * Start of a turn ("Pending → InProgress: user interaction"): settle the stack, then put the current
 * checkpoint in progress. No-op while paused (a paused conversation does not advance).
 */
export function beginTurn(state: ConversationState): ConversationState {
  if (state.is_paused) return state;
  const settled = settleStack(state);
  const pos = currentPosition(settled);
  if (pos === null || pos.checkpoint === null || pos.checkpoint.status !== 'pending') return settled;
  return replaceTask(
    settled,
    pos.taskIndex,
    replaceCheckpoint(pos.task, pos.checkpointIndex, transitionCheckpoint(pos.checkpoint, 'in_progress')),
  );
}

/**
 * Apply a completion verdict to the current checkpoint: in_progress → evaluating → complete (then advance:
 * next checkpoint, or mark the task complete and find the next active task) | back to in_progress.
 * A verdict for any other checkpoint, or while the current one is not in progress, changes nothing — so a
 * late or misdirected checklist result never completes the wrong checkpoint.
 */
export function applyCheckpointVerdict(
  state: ConversationState,
  verdict: { checkpoint_id: string; complete: boolean },
  at: string,
): ConversationState {
  const pos = currentPosition(state);
  if (pos === null || pos.checkpoint === null) return state;
  if (pos.checkpoint.checkpoint_id !== verdict.checkpoint_id || pos.checkpoint.status !== 'in_progress') return state;
  const evaluating = transitionCheckpoint(pos.checkpoint, 'evaluating');
  const decided = transitionCheckpoint(evaluating, verdict.complete ? 'complete' : 'in_progress', at);
  const next = replaceTask(state, pos.taskIndex, replaceCheckpoint(pos.task, pos.checkpointIndex, decided));
  return verdict.complete ? settleStack(next) : next;
}

function appendPauseRecord(log: readonly PauseRecord[], record: PauseRecord): PauseRecord[] {
  return [...log, record].slice(-MAX_PAUSE_LOG);
}

/**
 * Pause for a human: the conversation is paused and requires a human, the current task is paused and its
 * in-progress checkpoint goes in_progress → paused. A pending checkpoint stays pending (the diagram has no
 * pending → paused edge). Pausing a paused conversation only adds to the log.
 */
export function pauseForHuman(state: ConversationState, record: Omit<PauseRecord, 'action'>): ConversationState {
  const pause_log = appendPauseRecord(state.pause_log, { action: 'pause', ...record });
  if (state.is_paused) return { ...state, requires_human: true, pause_log };
  const settled = settleStack(state);
  let next: ConversationState = { ...settled, is_paused: true, requires_human: true, pause_log };
  const pos = currentPosition(next);
  if (pos !== null) {
    let task: Task = { ...pos.task, status: 'paused' };
    if (pos.checkpoint !== null && pos.checkpoint.status === 'in_progress') {
      task = replaceCheckpoint(task, pos.checkpointIndex, transitionCheckpoint(pos.checkpoint, 'paused'));
    }
    next = replaceTask(next, pos.taskIndex, task);
  }
  return next;
}

/**
 * Operator resume: clears requires_human and is_paused, the paused task becomes active again and its paused
 * checkpoint goes paused → in_progress ("Conversation Resumed"). The record says who/when/why.
 */
export function resumeFromPause(state: ConversationState, record: Omit<PauseRecord, 'action'>): ConversationState {
  const pause_log = appendPauseRecord(state.pause_log, { action: 'resume', ...record });
  let next: ConversationState = { ...state, is_paused: false, requires_human: false, pause_log };
  const task_stack = next.task_stack.map((task) => {
    if (task.status !== 'paused') return task;
    return {
      ...task,
      status: 'active' as const,
      checkpoints: task.checkpoints.map((cp) => (cp.status === 'paused' ? transitionCheckpoint(cp, 'in_progress') : cp)),
    };
  });
  next = { ...next, task_stack };
  return settleStack(next);
}

/**
 * Add support tasks for services named after the conversation started (one per service, appended to the
 * stack; a service already on the stack is skipped).
 */
export function addSupportTasks(state: ConversationState, tasks: readonly Task[]): ConversationState {
  const services = new Set(state.task_stack.map((t) => t.service).filter((s): s is string => s !== undefined));
  const ids = new Set(allCheckpointIds(state));
  const taskIds = new Set(state.task_stack.map((t) => t.task_id));
  const added: Task[] = [];
  for (const task of tasks) {
    if (task.service !== undefined && services.has(task.service)) continue;
    if (taskIds.has(task.task_id)) continue;
    if (task.checkpoints.some((c) => ids.has(c.checkpoint_id))) continue;
    added.push(task);
    task.checkpoints.forEach((c) => ids.add(c.checkpoint_id));
    taskIds.add(task.task_id);
    if (task.service !== undefined) services.add(task.service);
  }
  if (added.length === 0) return state;
  return { ...state, task_stack: [...state.task_stack, ...added] };
}

/**
 * Merge checkpoints from the checkpoint generator into a task (used by the checkpoint-generator Lambda inside
 * `store.update`). New ids are appended as pending; ids already anywhere on the stack are ignored (ids are
 * unique per conversation, so `checkpoint_progress` stays unambiguous); a complete task is not reopened.
 * Returns null when nothing changes (store.update then writes nothing).
 */
export function mergeGeneratedCheckpoints(
  state: ConversationState,
  taskId: string,
  checkpoints: readonly GeneratedCheckpoint[],
  source: Checkpoint['source'] = 'generated',
): ConversationState | null {
  const index = state.task_stack.findIndex((t) => t.task_id === taskId);
  if (index < 0) return null;
  const task = state.task_stack[index]!;
  if (task.status === 'complete') return null;
  const ids = new Set(allCheckpointIds(state));
  const room = MAX_CHECKPOINTS_PER_TASK - task.checkpoints.length;
  const fresh: Checkpoint[] = [];
  for (const def of checkpoints) {
    if (fresh.length >= room) break;
    if (ids.has(def.checkpoint_id)) continue;
    ids.add(def.checkpoint_id);
    fresh.push(createCheckpoint(def, source));
  }
  if (fresh.length === 0) return null;
  return replaceTask(state, index, { ...task, checkpoints: [...task.checkpoints, ...fresh] });
}

/** Every checkpoint id of the stack, in stack order. */
export function allCheckpointIds(state: ConversationState): string[] {
  return state.task_stack.flatMap((t) => t.checkpoints.map((c) => c.checkpoint_id));
}

/** checkpoint_id → complete?, for the response's `checkpoint_progress` (declined / skipped are false). */
export function checkpointProgress(state: ConversationState): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const task of state.task_stack) for (const cp of task.checkpoints) out[cp.checkpoint_id] = cp.status === 'complete';
  return out;
}

/** The response's `task_stack`: each task with its status, current checkpoint and checkpoint statuses. */
export function taskStackView(state: ConversationState): TaskStackEntry[] {
  return state.task_stack.map((task) => {
    const open = task.checkpoints.find((c) => !isClosed(c.status));
    const entry: TaskStackEntry = {
      task_id: task.task_id,
      name: task.name,
      kind: task.kind,
      status: task.status,
      current_checkpoint_id: open?.checkpoint_id ?? null,
      checkpoints: task.checkpoints.map((c) =>
        c.value === undefined
          ? { checkpoint_id: c.checkpoint_id, status: c.status }
          : { checkpoint_id: c.checkpoint_id, status: c.status, value: { ...c.value } },
      ),
    };
    if (task.service !== undefined) entry.service = task.service;
    return entry;
  });
}

/**
 * Invariants of a persisted task stack. Returns the violations (empty = consistent):
 * - a complete task has only closed (complete / declined / skipped) checkpoints; an active task that is
 *   current has an open checkpoint (checkpoints may close out of order: a turn can answer any of them);
 * - at most one checkpoint is open (in_progress or paused), and only at the current position;
 * - `evaluating` and `generated` never persist (they are transient inside a turn);
 * - paused ⇔ a paused task; a paused conversation has no in-progress checkpoint; requires_human ⇒ paused;
 * - checkpoint ids are unique across the stack.
 */
export function checkTaskStack(state: ConversationState): string[] {
  const violations: string[] = [];
  const pos = currentPosition(state);
  const seen = new Set<string>();
  let open = 0;
  state.task_stack.forEach((task, ti) => {
    if (task.status === 'complete' && task.checkpoints.some((c) => !isClosed(c.status))) {
      violations.push(`task ${task.task_id} is complete with an open checkpoint`);
    }
    if (task.status === 'paused' && !state.is_paused) violations.push(`task ${task.task_id} is paused in an active conversation`);
    if (task.status === 'paused' && (pos === null || pos.taskIndex !== ti)) {
      violations.push(`task ${task.task_id} is paused but is not the current task`);
    }
    task.checkpoints.forEach((cp, ci) => {
      if (seen.has(cp.checkpoint_id)) violations.push(`checkpoint id ${cp.checkpoint_id} appears twice`);
      seen.add(cp.checkpoint_id);
      if (cp.status === 'evaluating' || cp.status === 'generated') {
        violations.push(`checkpoint ${cp.checkpoint_id} persisted in transient status ${cp.status}`);
      }
      if (cp.status === 'in_progress' || cp.status === 'paused') {
        open++;
        if (pos === null || pos.taskIndex !== ti || pos.checkpointIndex !== ci) {
          violations.push(`checkpoint ${cp.checkpoint_id} is ${cp.status} but is not the current checkpoint`);
        }
      }
      if (cp.status === 'in_progress' && state.is_paused) violations.push(`checkpoint ${cp.checkpoint_id} in progress while paused`);
      if (cp.status === 'paused' && !state.is_paused) violations.push(`checkpoint ${cp.checkpoint_id} paused in an active conversation`);
    });
  });
  if (open > 1) violations.push(`${open} checkpoints are open at once`);
  if (pos !== null && pos.checkpoint === null && pos.task.status === 'active') {
    violations.push(`task ${pos.task.task_id} is current with no open checkpoint but is not complete`);
  }
  if (state.is_paused && pos !== null && pos.task.status !== 'paused') {
    violations.push(`conversation is paused but current task ${pos.task.task_id} is ${pos.task.status}`);
  }
  if (state.requires_human && !state.is_paused) violations.push('requires_human without is_paused');
  return violations;
}
