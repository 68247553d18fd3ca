/**
 * The public HTTP API models: the seed's OrchestratorQuery (request of POST /orchestrate) and
 * OrchestratorResponse, in the seed's snake_case. Requests are parsed strictly (unknown fields are an
 * error, not silently dropped) so a client typo such as `conversationId` is reported instead of creating
 * a new conversation under an empty id. A bad request becomes a 400 body that names every bad field.
 */
import * as z from 'zod';
import { AgentResultSchema } from './agent.js';

/** Identifier shape shared by every id field: safe in DynamoDB keys, logs and URLs. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Longest user text accepted in one turn (characters). Keeps agent payloads well under Express' 256 KB. */
export const MAX_TEXT_CHARS = 8000;
/** Most services one request may name. */
export const MAX_SERVICES = 20;
/** `detected_agent` values (seed "Agent Detection and Routing"): general goes to the primary responder. */
export const DETECTED_AGENTS = ['general', 'loneliness', 'accountability', 'therapy'] as const;
export type DetectedAgent = (typeof DETECTED_AGENTS)[number];

const idField = z
  .string()
  .regex(ID_PATTERN, { message: 'must be 1-128 characters of letters, digits, dot, underscore, colon or hyphen' });

/** Shape of the request. Membership of plan/services/detected_agent is checked in parseOrchestratorQuery. */
export const OrchestratorQuerySchema = z.strictObject({
  text: z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(MAX_TEXT_CHARS, { message: `must be at most ${MAX_TEXT_CHARS} characters` })
    .refine((t) => t.trim().length > 0, { message: 'must not be blank' }),
  conversation_id: idField,
  plan: idField,
  services: z.array(idField).max(MAX_SERVICES, { message: `must list at most ${MAX_SERVICES} services` }),
  individual_id: idField,
  user_profile_id: idField,
  detected_agent: idField,
  agent_instance_id: idField,
  call_log_id: idField,
  channel: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1-32 characters of letters, digits, underscore or hyphen' })
    .nullable()
    .optional(),
});
export type OrchestratorQuery = z.infer<typeof OrchestratorQuerySchema>;

/** One entry of `task_stack` in the response. */
export const TaskStackEntrySchema = z.object({
  task_id: z.string(),
  name: z.string(),
  kind: z.enum(['main', 'support']),
  service: z.string().optional(),
  status: z.string(),
  current_checkpoint_id: z.string().nullable(),
  checkpoints: z.array(
    z.object({
      checkpoint_id: z.string(),
      status: z.string(),
      /** The typed answer collected (e.g. { type: 'scale', score: 6 }), when known. */
      value: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
export type TaskStackEntry = z.infer<typeof TaskStackEntrySchema>;

/** The seed's OrchestratorResponse. */
export const OrchestratorResponseSchema = z.object({
  response: z.string(),
  conversation_id: z.string(),
  /** Every checkpoint id of the task stack, in stack order. */
  checkpoints: z.array(z.string()),
  /** checkpoint_id → complete? */
  checkpoint_progress: z.record(z.string(), z.boolean()),
  task_stack: z.array(TaskStackEntrySchema),
  sync_agent_results: z.record(z.string(), z.array(AgentResultSchema)),
  async_agent_results: z.record(z.string(), z.record(z.string(), z.unknown())),
  requires_human: z.boolean(),
  is_paused: z.boolean(),
  is_enriched: z.boolean(),
  /** Per-step durations in milliseconds: state, checkpoints, agents, response, persist, total. */
  timing_metrics: z.record(z.string(), z.number()),
  /** Additive to the seed: true when an agent or the responder failed, timed out or was circuit-open. */
  degraded: z.boolean(),
  /** The agents (and responder) behind `degraded`; empty on a full answer. */
  degraded_agents: z.array(z.string()),
});
export type OrchestratorResponse = z.infer<typeof OrchestratorResponseSchema>;

/** One bad field of a 400 answer. `field` is a path such as `services[2]`; `problem` says what to fix. */
export const FieldProblemSchema = z.object({
  field: z.string(),
  problem: z.string(),
});
export type FieldProblem = z.infer<typeof FieldProblemSchema>;

/** The JSON body of every 400 answer (and of 413/422 and the idempotency 409): every bad field named. */
export const BadRequestBodySchema = z.object({
  error: z.string(),
  details: z.array(FieldProblemSchema),
  /** The request's id (correlation with logs and access logs). */
  request_id: z.string().optional(),
});
export type BadRequestBody = z.infer<typeof BadRequestBodySchema>;

/**
 * The JSON body of every error answer: `error` says what went wrong; `details` names bad fields (4xx about
 * the request), `request_id` identifies the request (errors raised while serving it). Unknown extra fields
 * may follow (e.g. `allowed` methods of a 405).
 */
export const ErrorBodySchema = z.looseObject({
  error: z.string(),
  details: z.array(FieldProblemSchema).optional(),
  request_id: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** GET /health (seed-compatible); extra fields (e.g. warm-cache counters) may follow. */
export const HealthResponseSchema = z.looseObject({
  status: z.literal('healthy'),
  service: z.string(),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** The values a request may name; they come from the plan catalog and the agent registry. */
export interface AcceptedValues {
  plans: readonly string[];
  services: readonly string[];
  detectedAgents: readonly string[];
}

/** Result of a parse: the value, or the 400 body to answer with. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: BadRequestBody };

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(body)' : out;
}

function acceptedList(values: readonly string[]): string {
  return values.length === 0 ? '(none configured)' : values.join(', ');
}

/**
 * Parse the raw HTTP body text into a JSON object. A missing body, invalid JSON, or JSON that is not an
 * object (array, string, null) is a 400 — reported with field `(body)`.
 */
export function parseJsonBody(raw: string | null | undefined): ParseResult<Record<string, unknown>> {
  const fail = (problem: string): ParseResult<Record<string, unknown>> => ({
    ok: false,
    error: { error: 'invalid request body', details: [{ field: '(body)', problem }] },
  });
  if (raw === null || raw === undefined || raw.trim() === '') return fail('body is required: a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail('body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail(`body must be a JSON object, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

/**
 * Validate a request body against the OrchestratorQuery schema and the accepted plan, services and
 * detected_agent values. Every bad field is reported (not just the first), unknown values list the
 * accepted ones, and duplicate services are rejected (a duplicate would run an agent twice).
 */
export function parseOrchestratorQuery(body: unknown, accepted: AcceptedValues): ParseResult<OrchestratorQuery> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      error: { error: 'invalid request body', details: [{ field: '(body)', problem: 'body must be a JSON object' }] },
    };
  }
  const input = body as Record<string, unknown>;
  const details: FieldProblem[] = [];
  const parsed = OrchestratorQuerySchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) details.push({ field: key, problem: 'unknown field' });
        continue;
      }
      const field = fieldPath(issue.path);
      const top = issue.path[0];
      if (issue.path.length === 1 && typeof top === 'string' && !(top in input)) {
        details.push({ field, problem: 'is required' });
      } else if (issue.code === 'invalid_type') {
        details.push({ field, problem: `must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}` });
      } else {
        details.push({ field, problem: issue.message });
      }
    }
  }

  // Membership checks run on whatever has the right shape, so one answer names every bad field.
  const plan = input['plan'];
  if (typeof plan === 'string' && ID_PATTERN.test(plan) && !accepted.plans.includes(plan)) {
    details.push({ field: 'plan', problem: `unknown plan '${plan}'; accepted: ${acceptedList(accepted.plans)}` });
  }
  const detected = input['detected_agent'];
  if (typeof detected === 'string' && ID_PATTERN.test(detected) && !accepted.detectedAgents.includes(detected)) {
    details.push({
      field: 'detected_agent',
      problem: `unknown detected_agent '${detected}'; accepted: ${acceptedList(accepted.detectedAgents)}`,
    });
  }
  const services = input['services'];
  if (Array.isArray(services)) {
    const firstIndex = new Map<string, number>();
    services.forEach((service, i) => {
      if (typeof service !== 'string' || !ID_PATTERN.test(service)) return;
      if (!accepted.services.includes(service)) {
        details.push({
          field: `services[${i}]`,
          problem: `unknown service '${service}'; accepted: ${acceptedList(accepted.services)}`,
        });
      }
      const seen = firstIndex.get(service);
      if (seen !== undefined) details.push({ field: `services[${i}]`, problem: `duplicate of services[${seen}]` });
      else firstIndex.set(service, i);
    });
  }

  if (details.length > 0 || !parsed.success) {
    // One problem per field (e.g. an empty text is "must not be empty", not also "must not be blank").
    const seen = new Set<string>();
    const unique = details.filter((d) => (seen.has(d.field) ? false : (seen.add(d.field), true)));
    return { ok: false, error: { error: 'invalid request', details: unique } };
  }
  return { ok: true, value: parsed.data };
}

/** Body of the operator route POST /conversations/{id}/resume. `by` comes from the caller's identity. */
export const ResumeRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, { message: 'must not be empty' }).max(500, { message: 'must be at most 500 characters' }),
});
export type ResumeRequest = z.infer<typeof ResumeRequestSchema>;

/** Validate a resume request body; a bad one becomes a 400 body naming the field. */
export function parseResumeRequest(body: unknown): ParseResult<ResumeRequest> {
  const parsed = ResumeRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const details: FieldProblem[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ field: key, problem: 'unknown field' });
    } else if (issue.path.length === 0) {
      details.push({ field: '(body)', problem: 'body must be a JSON object' });
    } else {
      const missing = typeof body === 'object' && body !== null && !(String(issue.path[0]) in body);
      details.push({ field: fieldPath(issue.path), problem: missing ? 'is required' : issue.message });
    }
  }
  return { ok: false, error: { error: 'invalid request', details } };
}
