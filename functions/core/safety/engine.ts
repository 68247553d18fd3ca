/**
 * The safety path's entry points for the turn engine (core/turn-engine.ts calls these with a few lines):
 * combine the floor with the human_intervention agent, pause with a structured reason, choose the reply.
 */
import type { AgentResult } from '../../contracts/agent.js';
import type { ConversationState } from '../state.js';
import { pauseForHuman } from '../task-stack.js';
import { assessHeldTurn, assessTurn, HUMAN_INTERVENTION, pauseReason, SAFETY_FLOOR, safetyReply, type SafetyDecision } from './turn-safety.js';

export { safeUserText, type SafetyDecision } from './turn-safety.js';

/** Why a turn paused the conversation (the turn engine's Escalation shape). */
export interface SafetyEscalation {
  agent: string;
  severity: string | null;
  reason: string;
}

let region: string | undefined;

/** The deployment's guidance region (SAFETY_REGION), set once by the handler at cold start. */
export function setSafetyRegion(value: string | undefined): void {
  region = value === '' ? undefined : value;
}

function escalationOf(decision: SafetyDecision): SafetyEscalation {
  return {
    agent: decision.source === 'floor' ? SAFETY_FLOOR : HUMAN_INTERVENTION,
    severity: decision.severity,
    reason: decision.category ?? 'unspecified',
  };
}

/**
 * An active turn: floor ∨ agent. On escalation the conversation pauses (reason "<severity>: <category>
 * (<source>)") and the reply is the responder's when it carries the configured guidance, else the guidance.
 * `reply` is null when the turn does not escalate (the engine picks the responder's or its fallback).
 */
export function applySafety(
  state: ConversationState,
  args: { text: string; agents: Readonly<Record<string, AgentResult>>; at: string; responderReply?: string | undefined },
): { state: ConversationState; decision: SafetyDecision; escalation: SafetyEscalation | null; reply: string | null } {
  const decision = assessTurn(args.text, args.agents);
  if (!decision.escalate) return { state, decision, escalation: null, reply: null };
  // `by`: the agent when it asked for a person (alone or with the floor), else the floor.
  const by = decision.source === 'floor' ? SAFETY_FLOOR : `agent:${HUMAN_INTERVENTION}`;
  const next = pauseForHuman(state, { by, at: args.at, reason: pauseReason(decision) });
  const { reply } = safetyReply(decision, args.text, { responderReply: args.responderReply, region });
  return { state: next, decision, escalation: escalationOf(decision), reply };
}

/**
 * A held turn (paused conversation): re-screened; a higher severity is recorded in the pause log and is an
 * escalation (a new hand-off); the reply repeats the guidance for the conversation's categories.
 */
export function applyHeldSafety(
  state: ConversationState,
  args: { text: string; at: string },
): { state: ConversationState; decision: SafetyDecision; escalation: SafetyEscalation | null; reply: string } {
  const decision = assessHeldTurn(args.text, state.pause_log);
  const next = decision.raised ? pauseForHuman(state, { by: SAFETY_FLOOR, at: args.at, reason: pauseReason(decision) }) : state;
  const { reply } = safetyReply(decision, args.text, { region });
  return { state: next, decision, escalation: decision.raised ? escalationOf(decision) : null, reply };
}
