/**
 * HTTP agent invoker: the Lambda the fan-out workflow's Task calls for every agent or responder whose
 * registry target is `{ type: "http", url }`. Event = the same flat AgentRequest (with `agent`) or
 * ResponderRequest (with `responder`) a reference agent gets; it is POSTed as JSON to the agent's URL with
 * the pooled client, the agent's timeout profile and retry policy, and the answer is validated against the
 * contract. Failures are thrown as typed errors whose `name` the state machine's Catch maps to a status:
 * AgentTimeoutError → `timeout`, anything else → `error`.
 *
 * Env: AGENT_REGISTRY (the registry in effect, JSON — set by the AgentWorkflow construct).
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  AgentOutputSchema,
  ResponderOutputSchema,
  type AgentOutput,
  type ResponderOutput,
} from '../contracts/agent.js';
import { loadRegistry, type AgentRegistry } from '../core/agent-graph.js';
import { AgentCallError, AgentResponseError, HttpAgentClient } from '../adapters/http-agent-client.js';
import { boundAgentOutput, boundResponderOutput, MAX_AGENT_OUTPUT_BYTES, OutputTooLargeError } from '../core/payload-budget.js';

/** The event names an agent that is not an http target of the registry (a wiring mistake). */
export class NotAnHttpAgentError extends Error {
  override readonly name = 'NotAnHttpAgentError';
  constructor(readonly agent: string) {
    super(`"${agent}" is not an http-target agent of the registry`);
  }
}

/** What the invoker needs (tests build it with their own registry and client). */
export interface HttpAgentHandlerDeps {
  registry: AgentRegistry;
  client: HttpAgentClient;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Epoch-ms deadline for a call (default: the Lambda's remaining time minus a margin). */
  deadline?: (context?: { getRemainingTimeInMillis?: () => number }) => number | undefined;
}

type InvokerEvent = Record<string, unknown> & { agent?: unknown; responder?: unknown };

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Build the invoker handler. */
export function createHttpAgentHandler(deps: HttpAgentHandlerDeps) {
  const deadlineOf =
    deps.deadline ??
    ((context?: { getRemainingTimeInMillis?: () => number }) =>
      context?.getRemainingTimeInMillis ? Date.now() + context.getRemainingTimeInMillis() - 250 : undefined);
  /** The workflow passes the agent's budget as `timeout_seconds`: no retry may start after it. */
  const budgetDeadline = (event: InvokerEvent): number | undefined =>
    typeof event.timeout_seconds === 'number' && event.timeout_seconds > 0 ? Date.now() + event.timeout_seconds * 1000 - 100 : undefined;
  return async (event: InvokerEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<AgentOutput | ResponderOutput> => {
    const isResponder = typeof event.responder === 'string';
    const name = String(isResponder ? event.responder : event.agent);
    const agent = deps.registry.agents[name];
    if (!agent || agent.target.type !== 'http') throw new NotAnHttpAgentError(name);
    const started = Date.now();
    try {
      const res = await deps.client.call({
        agent: name,
        url: agent.target.url,
        payload: event,
        timeouts: deps.registry.timeouts[agent.timeout]!,
        retry: deps.registry.retry_policies[agent.retry]!,
        deadline: earliest(deadlineOf(context), budgetDeadline(event)),
      });
      const schema = isResponder ? ResponderOutputSchema : AgentOutputSchema;
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) {
        // Field paths only: the body may carry health data.
        const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
        throw new AgentResponseError(name, res.attempts, `agent ${name} broke the contract (fields: ${fields})`);
      }
      deps.logger?.info('http agent ok', { agent: name, attempts: res.attempts, latency_ms: Date.now() - started });
      if (isResponder) return boundResponderOutput(parsed.data as ResponderOutput);
      // A team's service may answer anything the read cap lets through: cut it to this turn's budget.
      const text = typeof event.text === 'string' ? event.text : '';
      const maxBytes = typeof event.max_output_bytes === 'number' ? event.max_output_bytes : MAX_AGENT_OUTPUT_BYTES;
      try {
        return boundAgentOutput({ ...(parsed.data as AgentOutput), agent: name }, { maxBytes, text });
      } catch (err) {
        if (err instanceof OutputTooLargeError) throw new AgentResponseError(name, res.attempts, err.message);
        throw err;
      }
    } catch (err) {
      if (err instanceof AgentCallError) {
        deps.logger?.warn('http agent failed', {
          agent: name,
          error: err.name,
          status: err.statusCode,
          attempts: err.attempts,
          latency_ms: Date.now() - started,
        });
      }
      throw err;
    }
  };
}

let cached: ReturnType<typeof createHttpAgentHandler> | undefined;

/** Lambda entry point: registry and pooled client created once per container. */
export const handler = async (event: InvokerEvent, context?: { getRemainingTimeInMillis?: () => number }) => {
  cached ??= createHttpAgentHandler({
    registry: loadRegistry({ env: process.env, readFile: (p) => readFileSync(p, 'utf8') }),
    client: new HttpAgentClient(),
    logger: new Logger({ serviceName: 'http-agent' }),
  });
  return cached(event, context);
};
