/**
 * Checkpoint generator — reference implementation: proposes the next checkpoints of a conversation's main
 * task from its plan's `extension_checkpoints` pool (config/plans/<plan_id>.json).
 *
 * Rules (pure, deterministic):
 * - only for the plan's main task (another task_id → no proposals);
 * - never an id that is completed, already in the task (the plan's main checkpoints, plus any ids the
 *   caller knows are present), or proposed twice;
 * - paced: proposals start once at most `lookahead` (default 2) of the task's known checkpoints are still
 *   open, so the main checkpoints come first and the extensions follow as the conversation gets there (one
 *   turn of slack: the async merge must land before the task's last checkpoint completes the task);
 * - at most `max` per call (default 2), in the plan's order.
 * The Lambda that merges proposals into the stored state is functions/checkpoint-generator (lead's).
 */
import type { CheckpointGenerationOutput, CheckpointGenerationRequest, GeneratedCheckpoint } from '../contracts/agent.js';

/** What the generator needs of a plan (functions/core/plans.ts PlanDefinition satisfies it). */
export interface GeneratorPlan {
  plan_id: string;
  main_task: { task_id: string; checkpoints: readonly GeneratedCheckpoint[] };
  extension_checkpoints: readonly GeneratedCheckpoint[];
}

export interface GenerateOptions {
  /** Most proposals per call (default 2, capped at the contract's 20). */
  max?: number;
  /** Ids already in the task besides the plan's main checkpoints (e.g. earlier proposals). */
  existingCheckpointIds?: readonly string[];
  /**
   * Start proposing when at most this many known checkpoints are still open (default 2: one turn of slack,
   * so an async proposal lands before the task's last checkpoint completes and the task closes).
   */
  lookahead?: number;
}

/** Proposes the next checkpoints for `req.task_id` from `plan`. */
export function generate(
  req: CheckpointGenerationRequest,
  plan: GeneratorPlan,
  options: GenerateOptions = {},
): CheckpointGenerationOutput {
  const none: CheckpointGenerationOutput = { task_id: req.task_id, checkpoints: [] };
  if (req.task_id !== plan.main_task.task_id) return none;
  const max = Math.min(Math.max(options.max ?? 2, 0), 20);
  const lookahead = options.lookahead ?? 2;
  const completed = new Set(req.completed_checkpoint_ids);
  const present = new Set([...plan.main_task.checkpoints.map((c) => c.checkpoint_id), ...(options.existingCheckpointIds ?? [])]);
  const open = [...present].filter((id) => !completed.has(id)).length;
  if (open > lookahead) return none;
  const checkpoints: GeneratedCheckpoint[] = [];
  for (const cp of plan.extension_checkpoints) {
    if (checkpoints.length >= max) break;
    if (completed.has(cp.checkpoint_id) || present.has(cp.checkpoint_id)) continue;
    if (checkpoints.some((c) => c.checkpoint_id === cp.checkpoint_id)) continue;
    checkpoints.push({ ...cp, criteria: structuredClone(cp.criteria) });
  }
  return { task_id: req.task_id, checkpoints };
}
