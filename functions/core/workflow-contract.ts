/**
 * The fan-out workflow's execution contract (JSON), shared by the ASL generator (lib/constructs) and the
 * fan-out adapter: what one execution gets, what it returns, and the names of the Task states (local task
 * handlers are keyed by state name).
 */

/** Whether a graph agent runs this turn, as the workflow input says. */
export type AgentMode = 'run' | 'skipped' | 'circuit_open';

/**
 * Input of one workflow execution. `mode` and `timeouts` must name every graph agent and every responder
 * (the ASL reads `$.timeouts.<name>` with TimeoutSecondsPath: whole seconds, at least 1).
 */
export interface WorkflowInput<TTurn = unknown> {
  /** The AgentTurnInput of the turn (merged flat into each agent's request with States.JsonMerge). */
  input: TTurn;
  mode: Record<string, AgentMode>;
  timeouts: Record<string, number>;
  /** Which responder writes the reply (primary | loneliness | accountability | therapy). */
  responder: string;
}

/** One agent's record in the workflow output. Times are ISO strings from `$$.State.EnteredTime`. */
export interface WorkflowAgentRecord<TOutput = unknown> {
  agent: string;
  status: 'ok' | 'error' | 'timeout' | 'skipped' | 'circuit_open';
  started_at?: string;
  ended_at?: string;
  /** `{ <agent>: output }` when ok, `{}` otherwise (so dependents can merge outputs without missing paths). */
  out: Record<string, TOutput>;
  /** Step Functions error (Error = type, Cause = message) when status is error or timeout. */
  error?: { Error?: string; Cause?: string };
}

/** Output of one workflow execution. */
export interface WorkflowOutput<TOutput = unknown, TResponder = unknown> {
  agents: Record<string, WorkflowAgentRecord<TOutput>>;
  responder: {
    name: string;
    status: 'ok' | 'error' | 'timeout';
    started_at?: string;
    ended_at?: string;
    output?: TResponder;
    error?: { Error?: string; Cause?: string };
  };
}

/** Name of the Task state that runs an agent (local task handlers are keyed by state name). */
export function agentTaskStateName(agent: string): string {
  return `Run ${agent}`;
}

/** Name of the Task state that runs a responder. */
export function responderTaskStateName(responder: string): string {
  return `Respond ${responder}`;
}
