/**
 * `degraded` / `degraded_agents` of a response (additive to the seed's OrchestratorResponse): a client can
 * tell a full answer from a partial one. An agent is degraded when it should have contributed and did not:
 * it failed, timed out, was skipped by its open circuit breaker, or answered without a usable verdict
 * (human_intervention without a boolean `requires_human`); the responder is degraded when it gave no reply.
 * Agents not selected this turn (`skipped`) are not degraded; a held turn on a paused conversation runs no
 * agents by design and is not degraded either.
 */
import type { AgentResult } from '../../contracts/agent.js';
import type { FanoutResult } from '../ports.js';
import { HUMAN_INTERVENTION } from './turn-safety.js';

const FAILED: ReadonlySet<AgentResult['status']> = new Set(['error', 'timeout', 'circuit_open']);

/** Names of the agents (and responder) that degraded this turn, in registry order. */
export function degradedAgents(fanout: FanoutResult | null): string[] {
  if (fanout === null) return [];
  const out: string[] = [];
  for (const [name, result] of Object.entries(fanout.agents)) {
    if (FAILED.has(result.status)) out.push(name);
    else if (name === HUMAN_INTERVENTION && result.status === 'ok' && typeof result.output?.flags.requires_human !== 'boolean') out.push(name);
  }
  if (fanout.responder.status !== 'ok' || fanout.responder.output === undefined) out.push(fanout.responder.name);
  return out;
}
