/**
 * agent Lambda: one bundle for every reference agent and responder. Env AGENT_NAME pins which one a
 * deployed function is (the workflow has one function per agent); an event for another agent is rejected.
 *
 * - Event with `agent` → AgentRequest (validated with AgentRequestSchema) → the reference agent →
 *   AgentOutput (validated with AgentOutputSchema before it leaves).
 * - Event with `responder` → ResponderRequest → the reference responder → ResponderOutput.
 * - agent = history (async): also writes the rolling summary into the stored conversation's
 *   `context.summary` through the ConversationStore (read-modify-write with retry on conflict).
 *
 * Bad input throws a typed error naming the failing fields; the workflow's Catch turns it into the agent's
 * status `error`. Logs carry ids, statuses and timings only, never text.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import {
  AgentOutputSchema,
  AgentRequestSchema,
  ResponderOutputSchema,
  ResponderRequestSchema,
  type AgentOutput,
  type AgentRequest,
  type ResponderOutput,
} from '../contracts/agent.js';
import type { ConversationStore } from '../core/ports.js';
import { boundAgentOutput, boundResponderOutput, MAX_AGENT_OUTPUT_BYTES } from '../core/payload-budget.js';
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../agents/index.js';
import { summarize } from '../agents/history.js';
import { tenantOfEvent } from '../adapters/tenant-of-event.js';

/** One failing field of an event or output: its JSON path and what is wrong. */
export interface FieldIssue {
  path: string;
  message: string;
}

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || '(event)', message: i.message }));
}

function describe(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/** The event is neither a valid AgentRequest nor a valid ResponderRequest. `fields` names what failed. */
export class InvalidAgentEventError extends Error {
  override readonly name = 'InvalidAgentEventError';
  constructor(
    readonly kind: 'agent' | 'responder' | 'unknown',
    readonly fields: FieldIssue[],
  ) {
    super(
      kind === 'unknown'
        ? 'event is neither an agent request (field `agent`) nor a responder request (field `responder`)'
        : `invalid ${kind} request: ${describe(fields)}`,
    );
  }
}

/** The event names another agent than the one this function is deployed as (AGENT_NAME). */
export class AgentNameMismatchError extends Error {
  override readonly name = 'AgentNameMismatchError';
  constructor(
    readonly expected: string,
    readonly received: string,
  ) {
    super(`this function is agent '${expected}' (AGENT_NAME) but the event is for '${received}'`);
  }
}

/** No reference implementation by that name. */
export class UnknownAgentError extends Error {
  override readonly name = 'UnknownAgentError';
  constructor(
    readonly agent: string,
    readonly known: readonly string[],
  ) {
    super(`no reference agent or responder named '${agent}' (known: ${known.join(', ')})`);
  }
}

/** A reference implementation produced output that breaks the contract (a bug, never the caller's fault). */
export class InvalidAgentOutputError extends Error {
  override readonly name = 'InvalidAgentOutputError';
  constructor(
    readonly agent: string,
    readonly fields: FieldIssue[],
  ) {
    super(`agent '${agent}' produced output that breaks the contract: ${describe(fields)}`);
  }
}

export interface AgentHandlerDeps {
  /** Which agent/responder this function is; undefined serves any (local stack, tests). */
  agentName?: string;
  /**
   * The conversation store (history only) of the event's tenant; resolved lazily so other agents never touch
   * DynamoDB.
   */
  getStore?: (tenant: string) => ConversationStore | Promise<ConversationStore>;
  logger?: Logger;
}

const KNOWN = [...Object.keys(REFERENCE_AGENTS), ...Object.keys(REFERENCE_RESPONDERS)].sort();

function checkName(deps: AgentHandlerDeps, received: string): void {
  if (deps.agentName && deps.agentName !== received) throw new AgentNameMismatchError(deps.agentName, received);
}

/** Persists the history summary: the stored summary (not the request's, which may be stale) + this turn. */
async function persistHistory(deps: AgentHandlerDeps, request: AgentRequest, tenant: string): Promise<{ summary: string | null; stored: boolean }> {
  if (!deps.getStore) throw new Error('history agent needs a conversation store (getStore)');
  const store = await deps.getStore(tenant);
  let summary: string | null = null;
  const result = await store.update(request.conversation_id, (state) => {
    summary = summarize(state.context.summary, request);
    if (summary === state.context.summary) return null;
    return { ...state, context: { ...state.context, summary } };
  });
  return { summary, stored: result !== null };
}

/**
 * Validates and runs one event. Exported for tests and the local stack.
 * Throws InvalidAgentEventError, AgentNameMismatchError, UnknownAgentError or InvalidAgentOutputError.
 */
export async function processAgentEvent(event: unknown, deps: AgentHandlerDeps = {}): Promise<AgentOutput | ResponderOutput> {
  const obj = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : undefined;
  if (obj && typeof obj['responder'] === 'string') {
    checkName(deps, obj['responder']);
    const parsed = ResponderRequestSchema.safeParse(event);
    if (!parsed.success) throw new InvalidAgentEventError('responder', issuesOf(parsed.error));
    const respond = REFERENCE_RESPONDERS[parsed.data.responder];
    const out = ResponderOutputSchema.safeParse(respond(parsed.data));
    if (!out.success) throw new InvalidAgentOutputError(parsed.data.responder, issuesOf(out.error));
    return boundResponderOutput(out.data);
  }
  if (obj && typeof obj['agent'] === 'string') {
    const name = obj['agent'];
    checkName(deps, name);
    const run = REFERENCE_AGENTS[name];
    if (!run) throw new UnknownAgentError(name, KNOWN);
    const parsed = AgentRequestSchema.safeParse(event);
    if (!parsed.success) throw new InvalidAgentEventError('agent', issuesOf(parsed.error));
    let output = run(parsed.data);
    if (name === 'history') {
      const { summary, stored } = await persistHistory(deps, parsed.data, tenantOfEvent(event));
      // A conversation that no longer exists: nothing stored, the summary is the one built from the request.
      output = summary === null
        ? { ...output, findings: { ...output.findings, stored } }
        : { ...output, findings: { context_summary: summary, summary_chars: summary.length, stored }, summary: `Conversation summary updated (${summary.length} characters).` };
    }
    const out = AgentOutputSchema.safeParse(output);
    if (!out.success) throw new InvalidAgentOutputError(name, issuesOf(out.error));
    // Every output the workflow carries fits this turn's budget (Step Functions' 256 KB is shared).
    return boundAgentOutput(out.data, { maxBytes: parsed.data.max_output_bytes ?? MAX_AGENT_OUTPUT_BYTES, text: parsed.data.text });
  }
  throw new InvalidAgentEventError('unknown', [{ path: '(event)', message: 'expected a string field `agent` or `responder`' }]);
}

/** Builds the middy handler around processAgentEvent (Powertools logger: ids, statuses, timings only). */
export function createAgentHandler(deps: AgentHandlerDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: `agent-${deps.agentName ?? 'any'}` });
  return middy<unknown, AgentOutput | ResponderOutput>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: unknown, _context: Context) => {
      const started = performance.now();
      const obj = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
      const ids = {
        agent: typeof obj['agent'] === 'string' ? obj['agent'] : typeof obj['responder'] === 'string' ? obj['responder'] : undefined,
        conversation_id: typeof obj['conversation_id'] === 'string' ? obj['conversation_id'] : undefined,
        call_log_id: typeof obj['call_log_id'] === 'string' ? obj['call_log_id'] : undefined,
      };
      try {
        const out = await processAgentEvent(event, deps);
        logger.info('agent done', { ...ids, status: 'status' in out ? out.status : 'ok', duration_ms: Math.round(performance.now() - started) });
        return out;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        // Field paths only, never values: a failing field may hold user text.
        const fields = error instanceof InvalidAgentEventError || error instanceof InvalidAgentOutputError ? error.fields.map((f) => f.path) : undefined;
        logger.warn('agent failed', { ...ids, status: 'error', error: name, fields, duration_ms: Math.round(performance.now() - started) });
        throw error;
      }
    });
}

/**
 * The deployed handler of sync agents and responders: AGENT_NAME from the environment. No conversation
 * store (and so no DynamoDB client in this bundle): async agents that write the store (history) are
 * deployed from functions/agent/async-handler.ts.
 */
export const handler = createAgentHandler({ agentName: process.env.AGENT_NAME || undefined });
