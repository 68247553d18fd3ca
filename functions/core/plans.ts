/**
 * The plan catalog: data files in config/plans (one per plan, plus support-tasks.json for the services that
 * add support tasks). Imported statically so esbuild bundles them into the Lambda; validated once at module
 * load, so a broken catalog fails the cold start (and the unit tests) with a message naming file and problem
 * instead of failing a conversation halfway.
 */
import * as z from 'zod';
import { GeneratedCheckpointSchema, type GeneratedCheckpoint } from '../contracts/agent.js';
import { PlanCatalogError, UnknownPlanError } from './errors.js';
import type { CheckpointSource } from './ports.js';
import { buildTask, MAX_CHECKPOINTS_PER_TASK } from './task-stack.js';
import type { Task } from './state.js';
import accountability from '../../config/plans/accountability.json' with { type: 'json' };
import dailyCheckin from '../../config/plans/daily_checkin.json' with { type: 'json' };
import lonelinessSupport from '../../config/plans/loneliness_support.json' with { type: 'json' };
import medicationAdherence from '../../config/plans/medication_adherence.json' with { type: 'json' };
import moodTracking from '../../config/plans/mood_tracking.json' with { type: 'json' };
import nutritionCoaching from '../../config/plans/nutrition_coaching.json' with { type: 'json' };
import supportTasks from '../../config/plans/support-tasks.json' with { type: 'json' };

const TaskDefinitionSchema = z.strictObject({
  task_id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  name: z.string().min(1).max(200),
  checkpoints: z.array(GeneratedCheckpointSchema).min(1).max(MAX_CHECKPOINTS_PER_TASK),
});

/** A plan file: a main task with ordered checkpoints, plus a pool the checkpoint generator may add from. */
export const PlanDefinitionSchema = z.strictObject({
  plan_id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  name: z.string().min(1).max(200),
  description: z.string().min(1).max(1000),
  main_task: TaskDefinitionSchema,
  extension_checkpoints: z.array(GeneratedCheckpointSchema).max(MAX_CHECKPOINTS_PER_TASK),
});
export type PlanDefinition = z.infer<typeof PlanDefinitionSchema>;

/** A support task definition (config/plans/support-tasks.json, keyed by service). */
export type SupportTaskDefinition = z.infer<typeof TaskDefinitionSchema>;

const SupportTasksSchema = z.record(z.string(), TaskDefinitionSchema);

function parseOrThrow<T>(schema: z.ZodType<T>, data: unknown, source: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new PlanCatalogError(source, `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * Validate a catalog: schemas, file name = plan_id, and checkpoint ids unique across each plan together with
 * every support task (a conversation holds both, and `checkpoint_progress` is keyed by checkpoint id).
 * Exported so tests can prove a bad catalog is rejected.
 */
export function loadCatalog(
  planFiles: Readonly<Record<string, unknown>>,
  supportFile: unknown,
): { plans: Map<string, PlanDefinition>; support: Map<string, SupportTaskDefinition> } {
  const support = new Map(Object.entries(parseOrThrow(SupportTasksSchema, supportFile, 'support-tasks.json')));
  const supportIds = new Map<string, string>();
  for (const [service, task] of support) {
    for (const cp of task.checkpoints) {
      if (supportIds.has(cp.checkpoint_id)) {
        throw new PlanCatalogError('support-tasks.json', `checkpoint_id '${cp.checkpoint_id}' used twice (${service})`);
      }
      supportIds.set(cp.checkpoint_id, service);
    }
  }
  const plans = new Map<string, PlanDefinition>();
  for (const [file, data] of Object.entries(planFiles)) {
    const plan = parseOrThrow(PlanDefinitionSchema, data, `${file}.json`);
    if (plan.plan_id !== file) throw new PlanCatalogError(`${file}.json`, `plan_id '${plan.plan_id}' does not match the file name`);
    const ids = new Set<string>();
    for (const cp of [...plan.main_task.checkpoints, ...plan.extension_checkpoints]) {
      if (ids.has(cp.checkpoint_id) || supportIds.has(cp.checkpoint_id)) {
        throw new PlanCatalogError(`${file}.json`, `checkpoint_id '${cp.checkpoint_id}' is not unique`);
      }
      ids.add(cp.checkpoint_id);
    }
    plans.set(plan.plan_id, plan);
  }
  return { plans, support };
}

const catalog = loadCatalog(
  {
    accountability,
    daily_checkin: dailyCheckin,
    loneliness_support: lonelinessSupport,
    medication_adherence: medicationAdherence,
    mood_tracking: moodTracking,
    nutrition_coaching: nutritionCoaching,
  },
  supportTasks,
);

/** The plan with this id, or undefined. */
export function getPlan(planId: string): PlanDefinition | undefined {
  return catalog.plans.get(planId);
}

/** Every plan id of the catalog, sorted (what `plan` may name). */
export function listPlanIds(): string[] {
  return [...catalog.plans.keys()].sort();
}

/** The support task a service adds to the task stack, or undefined when the service adds none. */
export function getSupportTask(service: string): SupportTaskDefinition | undefined {
  return catalog.support.get(service);
}

/** Services that add a support task. */
export function listSupportServices(): string[] {
  return [...catalog.support.keys()].sort();
}

/** Support tasks (built, all checkpoints pending) for the requested services, in request order. */
export function buildSupportTasks(services: readonly string[]): Task[] {
  const tasks: Task[] = [];
  for (const service of services) {
    const def = getSupportTask(service);
    if (def !== undefined) tasks.push(buildTask({ ...def, kind: 'support', service }, 'plan'));
  }
  return tasks;
}

/**
 * CheckpointSource backed by the catalog: a plan's main-task checkpoints, in order. Used when no external
 * checkpoint service (CHECKPOINT_URL) is configured, and as its fallback.
 */
export class PlanCatalogCheckpointSource implements CheckpointSource {
  /** Initial checkpoints of the plan's main task. Throws UnknownPlanError for a plan not in the catalog. */
  async initial(args: { plan: string; conversation_id: string; task_id: string }): Promise<GeneratedCheckpoint[]> {
    const plan = getPlan(args.plan);
    if (plan === undefined) throw new UnknownPlanError(args.plan, listPlanIds());
    return plan.main_task.checkpoints.map((cp) => ({ ...cp, criteria: { ...cp.criteria } }));
  }
}
