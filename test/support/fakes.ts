/**
 * In-memory fakes of the engine's ports, for unit and scenario tests (no I/O):
 * - InMemoryConversationStore: versioned items with a separate warm cache that can be made stale, real
 *   version conflicts, turn records, and update() with retry — the contract of the DynamoDB store.
 * - FakeFanout: scripted per-turn agent outputs (or a function of the input), records every call.
 * - RecordingDispatcher: records checkpoint-generation requests and async agent invocations; can fail.
 * - FixedClock: time only moves when a test moves it.
 */
import { deepFreeze } from '../../functions/adapters/warm-cache.js';
import type {
  AgentOutput,
  AgentResult,
  AgentTurnInput,
  CheckpointGenerationRequest,
  ResponderName,
  ResponderOutput,
} from '../../functions/contracts/agent.js';
import type { OrchestratorQuery } from '../../functions/contracts/api.js';
import {
  VersionConflictError,
  type AgentFanout,
  type AgentSelection,
  type AsyncDispatcher,
  type Clock,
  type ConversationStore,
  type FanoutResult,
  type KeyValueCache,
  type TurnRecord,
} from '../../functions/core/ports.js';
import type { ConversationState, StoredConversation } from '../../functions/core/state.js';

const clone = <T>(v: T): T => structuredClone(v);

/** A clock that only moves when told to. */
export class FixedClock implements Clock {
  constructor(public current = Date.parse('2026-11-23T09:00:00.000Z')) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** ConversationStore in memory, with an optional warm cache that tests can make stale. */
export class InMemoryConversationStore implements ConversationStore {
  readonly items = new Map<string, { state: ConversationState; version: number }>();
  readonly cache = new Map<string, { state: ConversationState; version: number }>();
  readonly turns = new Map<string, TurnRecord[]>();
  readonly calls = { get: 0, commitTurn: 0, update: 0, conflicts: 0 };
  /** Serve reads from the cache when it has the item (like the warm in-container cache). */
  useCache = false;
  /**
   * Serve every read as the warm cache now does: one deep-frozen copy, `source: 'cache'`, no clone — so a
   * core function that mutated its input would throw (proof that the engine never does).
   */
  frozenReads = false;
  /** Called before each commit is checked: lets a test inject a concurrent write. */
  beforeCommit?: (conversationId: string) => void;

  async get(conversationId: string, options?: { consistent?: boolean; bypassCache?: boolean }): Promise<StoredConversation | null> {
    this.calls.get++;
    if (this.frozenReads) {
      const item = this.items.get(conversationId);
      return item ? { state: deepFreeze(clone(item.state)), version: item.version, source: 'cache' } : null;
    }
    if (this.useCache && !options?.bypassCache) {
      const hit = this.cache.get(conversationId);
      if (hit) return { state: clone(hit.state), version: hit.version, source: 'cache' };
    }
    const item = this.items.get(conversationId);
    if (!item) return null;
    if (this.useCache) this.cache.set(conversationId, clone(item));
    return { state: clone(item.state), version: item.version, source: 'table' };
  }

  async commitTurn(args: { previous: StoredConversation | null; next: ConversationState; turn: TurnRecord }): Promise<{ version: number }> {
    this.calls.commitTurn++;
    const id = args.next.conversation_id;
    this.beforeCommit?.(id);
    const current = this.items.get(id);
    const expected = args.previous?.version ?? null;
    if ((current === undefined && expected !== null) || (current !== undefined && current.version !== expected)) {
      this.calls.conflicts++;
      this.cache.delete(id);
      throw new VersionConflictError(id, expected);
    }
    const version = (current?.version ?? 0) + 1;
    this.items.set(id, { state: clone(args.next), version });
    if (this.useCache) this.cache.set(id, { state: clone(args.next), version });
    const list = this.turns.get(id) ?? [];
    list.push(clone(args.turn));
    this.turns.set(id, list);
    return { version };
  }

  async update(
    conversationId: string,
    mutate: (state: ConversationState) => ConversationState | null,
    options?: { maxAttempts?: number },
  ): Promise<StoredConversation | null> {
    this.calls.update++;
    const attempts = options?.maxAttempts ?? 3;
    for (let i = 0; i < attempts; i++) {
      const item = this.items.get(conversationId);
      if (!item) return null;
      const next = mutate(clone(item.state));
      if (next === null) return { state: clone(item.state), version: item.version, source: 'table' };
      if (this.items.get(conversationId)?.version !== item.version) continue;
      const version = item.version + 1;
      this.items.set(conversationId, { state: clone(next), version });
      this.cache.delete(conversationId);
      return { state: clone(next), version, source: 'table' };
    }
    throw new VersionConflictError(conversationId, null);
  }

  async listTurns(conversationId: string, limit = 20): Promise<TurnRecord[]> {
    return (this.turns.get(conversationId) ?? []).slice().reverse().slice(0, limit).map(clone);
  }

  /** A write by someone else (checkpoint generator, history agent) that bumps the table version only. */
  concurrentWrite(conversationId: string, mutate: (s: ConversationState) => ConversationState = (s) => s): void {
    const item = this.items.get(conversationId);
    if (!item) throw new Error(`no item ${conversationId}`);
    this.items.set(conversationId, { state: mutate(clone(item.state)), version: item.version + 1 });
  }

  /** Put a stored state directly (e.g. an old schema version). */
  seed(conversationId: string, state: unknown, version = 1): void {
    this.items.set(conversationId, { state: state as ConversationState, version });
  }
}

/** One scripted turn of agent outputs. Agents not named are reported `skipped`. */
export interface ScriptedTurn {
  agents?: Record<string, Partial<AgentOutput> | { status: 'error' | 'timeout' | 'circuit_open' }>;
  /** Responder override; default: ok, "reply N from <responder>", enriched for primary when any agent ran. */
  responder?: Partial<ResponderOutput> | { status: 'error' | 'timeout' };
}

/** Builds an ok agent output. */
export function agentOk(agent: string, output: Partial<AgentOutput> = {}): AgentOutput {
  return { agent, status: 'ok', findings: {}, flags: {}, ...output };
}

/** Checklist output evaluating `checkpointId`. */
export function checklist(checkpointId: string, complete: boolean): Partial<AgentOutput> {
  return { flags: { checkpoint_id: checkpointId, checkpoint_complete: complete } };
}

/** Human-intervention output asking for a person. */
export function humanFlag(severity: 'low' | 'medium' | 'high' | 'critical' = 'high', reason = 'risk language'): Partial<AgentOutput> {
  return { flags: { requires_human: true, severity, reason } };
}

/** Agent fan-out driven by a script (array: one entry per run; function: computed from the input). */
export class FakeFanout implements AgentFanout {
  readonly runs: Array<{ input: AgentTurnInput; selection: AgentSelection; responder: ResponderName; deadline: number }> = [];
  readonly selects: string[][] = [];
  readonly recorded: Array<Record<string, AgentResult>> = [];
  /** Core agents that always run (as in config/agents.json). */
  core = ['checklist', 'human_intervention'];
  asyncAgents = ['history'];
  circuitOpen: string[] = [];

  constructor(private readonly script: ScriptedTurn[] | ((input: AgentTurnInput, run: number) => ScriptedTurn) = []) {}

  async select(services: string[]): Promise<AgentSelection> {
    this.selects.push([...services]);
    const deps: Record<string, string[]> = { nutrition: ['privacy', 'followup'] };
    const wanted = new Set<string>([...this.core]);
    for (const s of services) {
      wanted.add(s);
      for (const d of deps[s] ?? []) wanted.add(d);
    }
    const run = [...wanted].filter((a) => !this.circuitOpen.includes(a));
    return { run, circuit_open: [...wanted].filter((a) => this.circuitOpen.includes(a)), async: [...this.asyncAgents] };
  }

  async run(args: { input: AgentTurnInput; selection: AgentSelection; responder: ResponderName; deadline: number }): Promise<FanoutResult> {
    const n = this.runs.length;
    this.runs.push(structuredClone(args));
    const turn = typeof this.script === 'function' ? this.script(args.input, n) : (this.script[n] ?? {});
    const agents: Record<string, AgentResult> = {};
    for (const name of args.selection.run) {
      const scripted = turn.agents?.[name];
      if (scripted === undefined) {
        agents[name] = { agent: name, status: 'skipped', latency_ms: null };
      } else if ('status' in scripted && scripted.status !== 'ok' && scripted.status !== undefined) {
        agents[name] = { agent: name, status: scripted.status as AgentResult['status'], latency_ms: 5, error: { type: 'Scripted', message: 'scripted failure' } };
      } else {
        agents[name] = { agent: name, status: 'ok', latency_ms: 5, output: agentOk(name, scripted as Partial<AgentOutput>) };
      }
    }
    for (const name of args.selection.circuit_open) agents[name] = { agent: name, status: 'circuit_open', latency_ms: null };
    const anyOk = Object.values(agents).some((a) => a.status === 'ok');
    const r = turn.responder;
    if (r !== undefined && 'status' in r && (r.status === 'error' || r.status === 'timeout')) {
      return { agents, responder: { name: args.responder, status: r.status, latency_ms: 10 }, duration_ms: 20 };
    }
    const output: ResponderOutput = {
      responder: args.responder,
      response: `reply ${n + 1} from ${args.responder}`,
      is_enriched: args.responder === 'primary' && anyOk,
      asks_checkpoint_id: args.input.checkpoint?.checkpoint_id ?? null,
      ...(r as Partial<ResponderOutput> | undefined),
    };
    return { agents, responder: { name: args.responder, status: 'ok', latency_ms: 10, output }, duration_ms: 20 };
  }

  async record(results: Record<string, AgentResult>): Promise<void> {
    this.recorded.push(structuredClone(results));
  }
}

/** AsyncDispatcher that records what it was asked to do, and can be told to fail. */
export class RecordingDispatcher implements AsyncDispatcher {
  readonly generations: CheckpointGenerationRequest[] = [];
  readonly asyncRuns: Array<{ agent: string; input: AgentTurnInput }> = [];
  fail = false;

  async generateCheckpoints(request: CheckpointGenerationRequest): Promise<void> {
    if (this.fail) throw new Error('dispatch failed');
    this.generations.push(structuredClone(request));
  }

  async runAsyncAgent(agent: string, input: AgentTurnInput): Promise<void> {
    if (this.fail) throw new Error('dispatch failed');
    this.asyncRuns.push({ agent, input: structuredClone(input) });
  }
}

/** KeyValueCache over a Map (the evaluation cache in tests). */
export class MapCache<T> implements KeyValueCache<T> {
  readonly map = new Map<string, T>();
  get(key: string): T | undefined {
    return this.map.get(key);
  }
  set(key: string, value: T): void {
    this.map.set(key, value);
  }
}

/** A valid query; override what the test is about. */
export function makeQuery(overrides: Partial<OrchestratorQuery> = {}): OrchestratorQuery {
  return {
    text: 'Hello',
    conversation_id: 'conv-1',
    plan: 'daily_checkin',
    services: [],
    individual_id: 'ind-1',
    user_profile_id: 'prof-1',
    detected_agent: 'general',
    agent_instance_id: 'inst-1',
    call_log_id: 'call-1',
    ...overrides,
  };
}
