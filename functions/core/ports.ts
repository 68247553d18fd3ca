/**
 * Ports: what the engine needs from the outside world, as plain interfaces. Adapters in
 * functions/adapters implement them with AWS (DynamoDB, Step Functions, Lambda, HTTP); tests and the
 * engine's scenario tests use in-memory fakes (test/support). Nothing here imports AWS.
 */
import type {
  AgentResult,
  AgentTurnInput,
  ResponderName,
  ResponderOutput,
  GeneratedCheckpoint,
  CheckpointGenerationRequest,
} from '../contracts/agent.js';
import type { ConversationState, StoredConversation } from './state.js';
import type { MemoryWriteRequest } from './memory/schema.js';

/** Re-exported for adapters and tests that only import the ports. */
export type { ConversationState, StoredConversation } from './state.js';

/** The write lost a race: the stored version is not the one read. Never a lost update. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly conversationId: string,
    readonly expectedVersion: number | null,
  ) {
    super(`conversation ${conversationId} changed since version ${expectedVersion ?? 'none'} was read`);
  }
}

/** The store could not be reached or throttled after the SDK's retries (→ 503 with Retry-After). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Record of one committed turn (its own item, TURN#<seq>). No raw health text unless configured. */
export interface TurnRecord {
  turn: number;
  conversation_id: string;
  call_log_id: string;
  detected_agent: string;
  responder: string;
  at: string;
  agents: Array<{ agent: string; status: AgentResult['status']; latency_ms: number | null; offset_ms?: number | null }>;
  /** The routed responder's start offset and latency (the inspector's waterfall); absent on held turns. */
  responder_timing?: { offset_ms: number | null; latency_ms: number | null };
  response: unknown;
  timing_metrics: Record<string, number>;
  /** Present only when the deployment opts in to storing user text (LOG_TURN_TEXT=true). */
  text?: string;
  idempotency_key?: string;
}

export interface ConversationStore {
  /** Cache → table. Null when the conversation does not exist. */
  get(conversationId: string, options?: { consistent?: boolean; bypassCache?: boolean }): Promise<StoredConversation | null>;
  /**
   * Commit one turn: create (previous = null, `attribute_not_exists`) or update only the fields of `next`
   * that differ from `previous.state`, conditioned on `previous.version`, and append the turn record.
   * Throws VersionConflictError when another writer got there first. Returns the new version.
   */
  commitTurn(args: {
    previous: StoredConversation | null;
    next: ConversationState;
    turn: TurnRecord;
  }): Promise<{ version: number }>;
  /**
   * Read-modify-write with retry on conflict (checkpoint generator, history agent, operator resume).
   * `mutate` returns the new state, or null to leave it unchanged. Returns the resulting stored value,
   * or null when the conversation does not exist.
   */
  update(
    conversationId: string,
    mutate: (state: ConversationState) => ConversationState | null,
    options?: { maxAttempts?: number },
  ): Promise<StoredConversation | null>;
  /** Most recent turns first. */
  listTurns(conversationId: string, limit?: number): Promise<TurnRecord[]>;
}

/** Which agents run this turn and which are skipped because their breaker is open. */
export interface AgentSelection {
  /** Requested services closed over their dependencies, plus core agents, minus open breakers. */
  run: string[];
  /** Agents that would have run but whose circuit breaker is open (reported, never waited on). */
  circuit_open: string[];
  /** Async agents (type async) to invoke after the state write. */
  async: string[];
}

export interface FanoutResult {
  /** Every sync agent of the registry: ran (ok|error|timeout), skipped, or circuit_open. */
  agents: Record<string, AgentResult>;
  responder: { name: ResponderName; status: AgentResult['status']; latency_ms: number | null; offset_ms?: number; output?: ResponderOutput };
  /** Wall time of the workflow as seen by the caller. */
  duration_ms: number;
}

/** The agent fan-out (Step Functions Express in AWS and in the local stack; fakes in unit tests). */
export interface AgentFanout {
  select(services: string[]): Promise<AgentSelection>;
  run(args: {
    input: AgentTurnInput;
    selection: AgentSelection;
    responder: ResponderName;
    /** Epoch ms by which the whole turn must have answered (API Gateway's 29 s, minus margins). */
    deadline: number;
  }): Promise<FanoutResult>;
  /** Feed agent outcomes back to the circuit breakers (ok closes, error/timeout count as failures). */
  record?(results: Record<string, AgentResult>): Promise<void>;
}

/** Fire-and-forget work after the commit (Lambda async invocation; failures go to the DLQ). */
export interface AsyncDispatcher {
  generateCheckpoints(request: CheckpointGenerationRequest): Promise<void>;
  runAsyncAgent(agent: string, input: AgentTurnInput): Promise<void>;
  /** The async memory writer (issue #16): one turn's structured facts. Optional: without it nothing is remembered. */
  writeMemory?(request: MemoryWriteRequest): Promise<void>;
}

/** Initial checkpoints for a new conversation: the plan catalog, or the external CHECKPOINT_URL service. */
export interface CheckpointSource {
  initial(args: { plan: string; conversation_id: string; task_id: string }): Promise<GeneratedCheckpoint[]>;
}

/** Injected clock so tests control time. */
export interface Clock {
  now(): number;
}

/**
 * A small synchronous key/value cache (the warm in-container LRU in Lambda, a Map in tests). Used for
 * checkpoint evaluation results; the engine checks freshness itself with the Clock, so the adapter's own
 * TTL only bounds memory.
 */
export interface KeyValueCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}
