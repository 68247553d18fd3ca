/**
 * The plan catalog: data files in config/plans (one per plan, plus support-tasks.json for the services that
 * add support tasks). Imported statically so esbuild bundles them into the Lambda; validated once at module
 * load, so a broken catalog fails the cold start (and the unit tests) with a message naming file and problem
 * instead of failing a conversation halfway.
 */
import * as z from 'zod';
import type { GeneratedCheckpoint } from '../contracts/agent.js';
import { SlotSpecSchema } from '../contracts/slots.js';
import { PlanCatalogError, UnknownPlanError } from './errors.js';
import { criteriaForSlot } from './slots/legacy.js';
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

const LANGUAGES = ['en', 'es'] as const;
const questionText = z.string().min(1).max(500);
/** Text per language: English is required (the default wording), Spanish optional per checkpoint. */
const LocalizedSchema = z.strictObject({ en: questionText, es: questionText.optional() });

/**
 * A checkpoint in a plan file: what it collects (`slot`: the typed answer and how it is judged) and its
 * question per language, with a different wording for the second attempt (`rephrase`).
 */
export const PlanCheckpointSchema = z.strictObject({
  checkpoint_id: z.string().min(1).max(128),
  description: z.string().min(1).max(500),
  slot: SlotSpecSchema,
  question: LocalizedSchema,
  rephrase: LocalizedSchema.optional(),
});
export type PlanCheckpoint = z.infer<typeof PlanCheckpointSchema>;

const TaskFileSchema = z.strictObject({
  task_id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  name: z.string().min(1).max(200),
  checkpoints: z.array(PlanCheckpointSchema).min(1).max(MAX_CHECKPOINTS_PER_TASK),
});

/** A plan file: a main task with ordered checkpoints, plus a pool the checkpoint generator may add from. */
export const PlanFileSchema = z.strictObject({
  plan_id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  name: z.string().min(1).max(200),
  description: z.string().min(1).max(1000),
  /** Languages every checkpoint's question (and rephrase) is written in; English always. */
  languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length),
  main_task: TaskFileSchema,
  extension_checkpoints: z.array(PlanCheckpointSchema).max(MAX_CHECKPOINTS_PER_TASK),
});
export type PlanFile = z.infer<typeof PlanFileSchema>;

/** A task as the engine builds it: checkpoints in the agent contract's shape (questions per language, slot). */
export interface TaskDefinitionOut {
  task_id: string;
  name: string;
  checkpoints: GeneratedCheckpoint[];
}

/** A loaded plan: the file with its checkpoints converted to the contract's GeneratedCheckpoint shape. */
export interface PlanDefinition {
  plan_id: string;
  name: string;
  description: string;
  languages: Array<(typeof LANGUAGES)[number]>;
  main_task: TaskDefinitionOut;
  extension_checkpoints: GeneratedCheckpoint[];
}

/** A support task definition (config/plans/support-tasks.json, keyed by service). */
export type SupportTaskDefinition = TaskDefinitionOut;

const SupportTasksSchema = z.record(z.string(), TaskFileSchema);

/**
 * A plan checkpoint as the contract carries it: `question` is the English wording, `questions` / `rephrase`
 * every language, and `criteria` the legacy equivalent of the slot (for a team's checklist agent that still
 * judges by criteria).
 */
export function toGeneratedCheckpoint(cp: PlanCheckpoint): GeneratedCheckpoint {
  const out: GeneratedCheckpoint = {
    checkpoint_id: cp.checkpoint_id,
    description: cp.description,
    question: cp.question.en,
    questions: { ...cp.question },
    criteria: criteriaForSlot(cp.slot),
    slot: { ...cp.slot },
  };
  if (cp.rephrase !== undefined) out.rephrase = { ...cp.rephrase };
  return out;
}

function checkLanguages(file: string, languages: readonly string[], cps: readonly PlanCheckpoint[]): void {
  for (const cp of cps) {
    for (const lang of languages) {
      const texts = cp.question as Record<string, string | undefined>;
      if (texts[lang] === undefined) {
        throw new PlanCatalogError(file, `checkpoint '${cp.checkpoint_id}' has no '${lang}' question`);
      }
      if (cp.rephrase !== undefined && (cp.rephrase as Record<string, string | undefined>)[lang] === undefined) {
        throw new PlanCatalogError(file, `checkpoint '${cp.checkpoint_id}' has no '${lang}' rephrase`);
      }
    }
    if (cp.slot.min !== undefined && cp.slot.max !== undefined && cp.slot.min > cp.slot.max) {
      throw new PlanCatalogError(file, `checkpoint '${cp.checkpoint_id}': slot min > max`);
    }
  }
}

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
  const supportFiles = parseOrThrow(SupportTasksSchema, supportFile, 'support-tasks.json');
  const support = new Map<string, SupportTaskDefinition>();
  for (const [service, task] of Object.entries(supportFiles)) {
    checkLanguages('support-tasks.json', ['en'], task.checkpoints);
    support.set(service, { task_id: task.task_id, name: task.name, checkpoints: task.checkpoints.map(toGeneratedCheckpoint) });
  }
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
    const parsed = parseOrThrow(PlanFileSchema, data, `${file}.json`);
    if (!parsed.languages.includes('en')) throw new PlanCatalogError(`${file}.json`, `languages must include 'en'`);
    checkLanguages(`${file}.json`, parsed.languages, [...parsed.main_task.checkpoints, ...parsed.extension_checkpoints]);
    const plan: PlanDefinition = {
      plan_id: parsed.plan_id,
      name: parsed.name,
      description: parsed.description,
      languages: [...parsed.languages],
      main_task: {
        task_id: parsed.main_task.task_id,
        name: parsed.main_task.name,
        checkpoints: parsed.main_task.checkpoints.map(toGeneratedCheckpoint),
      },
      extension_checkpoints: parsed.extension_checkpoints.map(toGeneratedCheckpoint),
    };
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
    return plan.main_task.checkpoints.map((cp) => structuredClone(cp));
  }
}
