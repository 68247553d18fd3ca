/**
 * The turn's two touch points with individual memory (issue #16), kept out of turn.ts so the hot spot only
 * calls them:
 *   - read at the start: `loadTurnMemory` — a conversation's first turn reads fresh (one request), its later
 *     turns read the warm cache (context TTL); the agents get the part learned in OTHER conversations as
 *     `AgentTurnInput.memory`. A memory failure never fails a turn: the turn runs without memory.
 *   - written after the commit: `dispatchMemoryWrite` extracts this turn's facts from the agents' structured
 *     outputs (core/memory/facts.ts) and hands them to the async memory writer — off the reply path.
 */
import type { AgentOutput, AgentMemory, AgentResult, AgentTurnInput } from '../contracts/agent.js';
import type { OrchestratorQuery } from '../contracts/api.js';
import * as followup from '../agents/followup.js';
import { redactedText } from '../agents/input.js';
import * as medication from '../agents/medication.js';
import { extractMemoryFacts } from '../core/memory/facts.js';
import { memoryForConversation } from '../core/memory/merge.js';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import { isEmptyFacts, type MemoryWriteRequest } from '../core/memory/schema.js';
import type { AsyncDispatcher, FanoutResult } from '../core/ports.js';
import type { ConversationState } from '../core/state.js';

/** What the memory hooks need from the turn's dependencies. */
export interface MemoryDeps {
  /** The tenant's memory store; without it, turns run without memory. */
  memory?: IndividualMemoryStore;
  /** Tenant the memory writer writes under (default: the store's). */
  memoryTenant?: string;
  dispatcher: AsyncDispatcher;
  log?: { warn(message: string, fields: Record<string, unknown>): void };
}

function warn(deps: MemoryDeps, message: string, state: Pick<ConversationState, 'conversation_id'>, err: unknown): void {
  try {
    deps.log?.warn(message, { conversation_id: state.conversation_id, error: err instanceof Error ? err.name : 'unknown' });
  } catch {
    // never fail a turn on logging
  }
}

/** The memory a turn's agents see (null: none, no store, or the read failed). */
export async function loadTurnMemory(deps: MemoryDeps, state: ConversationState, firstTurn: boolean): Promise<AgentMemory | null> {
  if (!deps.memory) return null;
  try {
    const record = await deps.memory.read(state.individual_id, { fresh: firstTurn });
    return memoryForConversation(record, state.conversation_id);
  } catch (err) {
    warn(deps, 'individual memory not read; the turn runs without it', state, err);
    return null;
  }
}

/** The turn input with the memory attached (unchanged when there is none). */
export function withMemory(input: AgentTurnInput, memory: AgentMemory | null): AgentTurnInput {
  return memory === null ? input : { ...input, memory };
}

function ok(agents: Readonly<Record<string, AgentResult>>, name: string): AgentOutput | undefined {
  const r = agents[name];
  return r?.status === 'ok' ? r.output : undefined;
}

/**
 * The facts of a committed turn as the writer's request, or null when it teaches nothing. When the followup or
 * medication agent did not run this turn, their reference extractors read the redacted text here, so a plan
 * mentioned in any conversation is remembered (as the history agent does).
 */
export function memoryWriteRequest(args: {
  tenant: string;
  query: OrchestratorQuery;
  input: AgentTurnInput;
  fanout: FanoutResult;
  state: ConversationState;
}): MemoryWriteRequest | null {
  const { input, fanout, state } = args;
  const agents = fanout.agents;
  // Never learn from raw identifiers: the privacy agent's redaction, or the same redaction done here.
  const privacy = ok(agents, 'privacy');
  const redacted = redactedText({ text: args.query.text, dependencies: privacy ? { privacy } : {} });
  const redactedInput = {
    ...input,
    text: redacted,
    agent: '',
    dependencies: { privacy: { agent: 'privacy', status: 'ok' as const, findings: {}, flags: {}, redacted_text: redacted } },
  };
  const findings: Record<string, AgentOutput | undefined> = {
    followup: ok(agents, 'followup') ?? followup.run({ ...redactedInput, agent: 'followup' }),
    medication: ok(agents, 'medication') ?? medication.run({ ...redactedInput, agent: 'medication' }),
  };
  const facts = extractMemoryFacts({
    plan: state.plan,
    checkpoint_id: input.checkpoint?.checkpoint_id ?? null,
    redacted_text: redacted,
    text: args.query.text,
    findings,
    memory: input.memory ?? null,
  });
  if (isEmptyFacts(facts)) return null;
  return {
    contract_version: 1,
    tenant: args.tenant,
    individual_id: state.individual_id,
    conversation_id: state.conversation_id,
    plan: state.plan,
    turn: state.turn_count,
    at: state.updated_at,
    facts,
  };
}

/** After the commit: hand the turn's facts to the async memory writer. Never throws. */
export async function dispatchMemoryWrite(
  deps: MemoryDeps,
  args: { query: OrchestratorQuery; input: AgentTurnInput | null; fanout: FanoutResult | null; state: ConversationState },
): Promise<void> {
  if (!deps.memory || !deps.dispatcher.writeMemory || args.input === null || args.fanout === null || args.state.is_paused) return;
  try {
    const tenant = deps.memoryTenant ?? (deps.memory as { tenant?: string }).tenant ?? 'local';
    const request = memoryWriteRequest({ tenant, query: args.query, input: args.input, fanout: args.fanout, state: args.state });
    if (request !== null) await deps.dispatcher.writeMemory(request);
  } catch (err) {
    warn(deps, 'memory write not dispatched', args.state, err);
  }
}
