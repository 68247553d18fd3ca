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
  /** API Gateway's request time (epoch ms) and request id: the turn queue's order (turn-queue.ts). */
  arrived_at?: number;
  request_id?: string;
  /** Fence of the lease under which the turn committed. */
  fence?: number;
}

/** How overlapping turns of one conversation are handled (`X-Multitask-Strategy`). */
export type MultitaskStrategy = 'enqueue' | 'reject';
export const MULTITASK_STRATEGIES: readonly MultitaskStrategy[] = ['enqueue', 'reject'];

/**
 * Commit facts kept on the state item beside the conversation (not part of ConversationState): the fencing
 * marks of the turn queue and the last committed turn's record, from which a missing turn item is repaired.
 */
export interface CommitMarks {
  /** Fence of the last committed turn (0: none under the queue yet). */
  served: number;
  /** Highest fence that claimed the state; a successor taking over an expired lease raises it first. */
  fence: number;
  /** The last committed turn's record (turn-log repair). */
  lastTurn?: TurnRecord;
}

/** One turn's place in its conversation's queue. */
export interface TurnTicket {
  conversationId: string;
  /** API Gateway's request time (epoch ms): the order of the queue. */
  arrivedAt: number;
  /** The request's id: breaks ties of `arrivedAt` stably. */
  requestId: string;
  strategy: MultitaskStrategy;
  /** Epoch ms after which the turn may no longer start (→ TurnNotStartedError). */
  startBy: number;
}

/** The right to run one turn of a conversation (turn-queue.ts). */
export interface TurnLease {
  /** Fencing token: the commit is refused once a later lease fenced the state. */
  fence: number;
  /** Fence of the lease before this one; a state whose `served` equals it is current. */
  previousFence: number;
  /** Milliseconds spent waiting for earlier turns. */
  waitedMs: number;
  /** Turns ahead of this one when it joined the queue (0: it started at once). */
  ahead: number;
  /** Give the conversation back without a commit (a failed turn). Never throws. */
  release(): Promise<void>;
}

/** Orders overlapping turns of one conversation (enqueue) or refuses them (reject). */
export interface TurnQueue {
  /**
   * Wait for this turn's place (enqueue) or fail at once when the conversation is busy (reject →
   * TurnConflictError). `knownServed` is the `served` mark of the state this container holds (a hint);
   * `refresh` re-reads the state (strongly consistent) and returns its mark, when the hint proved stale.
   * Throws TurnNotStartedError when the turn cannot start by `ticket.startBy`.
   */
  acquire(ticket: TurnTicket, knownServed: number | null, refresh?: () => Promise<number>): Promise<TurnLease>;
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
    /** Lease of the turn queue: the write is refused (VersionConflictError) once a later lease fenced the state. */
    fence?: number;
  }): Promise<{ version: number; turnLog?: TurnLogOutcome }>;
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
  /**
   * Turn queue takeover (optional): raise the state's fence so an expired holder can never commit; returns
   * the state as it is now (null: no conversation). VersionConflictError when a later fence already did.
   */
  fence?(conversationId: string, fence: number): Promise<StoredConversation | null>;
  /** One committed turn's record (strongly consistent), or null (optional; exactly-once checks). */
  getTurn?(conversationId: string, turn: number): Promise<TurnRecord | null>;
  /** Sweep: write the last committed turn's missing TURN item from the state's record; the turn repaired, or null. */
  repairTurnLog?(conversationId: string): Promise<number | null>;
}

/** How the turn log fared in a commit (the handler turns it into metrics). */
export interface TurnLogOutcome {
  /** TURN#<turn> of this commit is written. False: a gap, repaired by the next commit (counted). */
  logged: boolean;
  /** A missing TURN item of the previous turn this commit found and wrote from the state's record. */
  repairedTurn?: number;
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
