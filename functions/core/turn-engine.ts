/**
 * The pure decisions of one turn: what the agents see (bounded context), how their results change the
 * conversation (checkpoint evaluation, advance, human escalation), what the user is told, and how the
 * rolling context grows. No I/O: the use case (functions/orchestrate/turn.ts) calls these between its
 * port calls.
 */
import { CONTRACT_VERSION, type AgentResult, type AgentTurnInput, type ResponderName } from '../contracts/agent.js';
import type { OrchestratorQuery } from '../contracts/api.js';
import type { FanoutResult, KeyValueCache } from './ports.js';
import { routeResponder } from './routing.js';
import { MAX_SUMMARY_CHARS, RECENT_TURNS, type Checkpoint, type ConversationState, type TurnSummary } from './state.js';
import { beginTurn, currentPosition } from './task-stack.js';
import { detectLanguage } from './language.js';
import { isClosed } from './checkpoint-lifecycle.js';
import { emptyEvaluation, readEvaluation, type TurnEvaluation } from './slots/evaluation.js';
import { applyEvaluation, creditNoted, recordAsked } from './slots/apply.js';
import { agentForSlot } from './slots/legacy.js';
import { applySafety, applyHeldSafety, safeUserText, type SafetyDecision } from './safety/engine.js';

/** What a paused conversation answers instead of running agents (and what an escalating turn answers). */
export const HOLDING_REPLY =
  "Thank you for telling me. I've asked a member of the care team to look at our conversation, and they will " +
  'be in touch with you shortly. If you are in danger or need urgent help right now, please call your local ' +
  'emergency number.';

/** What the user is told when the responder failed (the turn still commits; agents' work is kept). */
export const FALLBACK_REPLY =
  "I'm sorry, I couldn't put my thoughts together just now. Could you tell me that again in a moment?";

/** Seed cache policy: checkpoint evaluation results are reused for one minute. */
export const EVALUATION_TTL_MS = 60_000;
/** Longest user text kept per turn in the rolling context (agents get bounded input). */
export const MAX_CONTEXT_TEXT_CHARS = 500;
/** Agent whose `requires_human` flag pauses the conversation. */
export const HUMAN_INTERVENTION_AGENT = 'human_intervention';
/** Agent whose verdict completes checkpoints. */
export const CHECKLIST_AGENT = 'checklist';
/** Agent whose `redacted_text` replaces the raw text in the stored context. */
export const PRIVACY_AGENT = 'privacy';

/** A cached checklist evaluation (value type of the evaluation cache). */
export interface CachedEvaluation {
  complete: boolean;
  /** The typed values, refusals and stop intent the checklist found (absent in entries of older releases). */
  evaluation?: TurnEvaluation;
  /** Epoch ms when the checklist produced it. */
  evaluated_at: number;
}

/** The verdict applied to the current checkpoint this turn. */
export interface CheckpointVerdict {
  checkpoint_id: string;
  complete: boolean;
  source: 'checklist' | 'cache';
}

/** Why a turn paused the conversation. */
export interface Escalation {
  agent: string;
  severity: string | null;
  reason: string;
}

/**
 * FNV-1a (two 32-bit lanes) of the text: a cache key part that never holds the user's words.
 * Not cryptographic; collisions only cost a wrong cache hit within one conversation's checkpoint.
 */
export function textFingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Cache key of a checkpoint evaluation: conversation, checkpoint and a fingerprint of the evaluated text. */
export function evaluationCacheKey(conversationId: string, checkpointId: string, text: string): string {
  return `eval#${conversationId}#${checkpointId}#${textFingerprint(text)}`;
}

/**
 * This turn's typed answers: the checklist agent's findings (values for any checkpoint of the stack,
 * refusals, stop intent — see slots/evaluation.ts), validated against the checkpoints they name. A fresh
 * evaluation is cached for a minute under the current checkpoint and a fingerprint of the text; when the
 * checklist gave nothing usable this turn (error, timeout, open breaker) a cached one younger than a minute is
 * used — a client retrying a turn after a 409/503 keeps its evaluation even if the checklist is unavailable.
 */
export function readTurnEvaluation(args: {
  state: ConversationState;
  text: string;
  agents: Readonly<Record<string, AgentResult>>;
  now: number;
  cache?: KeyValueCache<CachedEvaluation>;
}): { evaluation: TurnEvaluation; source: 'checklist' | 'cache' } | null {
  const { state, cache } = args;
  const pos = currentPosition(state);
  const current = pos?.checkpoint?.status === 'in_progress' ? pos.checkpoint : null;
  const key = evaluationCacheKey(state.conversation_id, current?.checkpoint_id ?? '-', args.text);
  const checklist = args.agents[CHECKLIST_AGENT];
  if (checklist?.status === 'ok' && checklist.output !== undefined) {
    const all = state.task_stack.flatMap((t) => t.checkpoints);
    const evaluation = readEvaluation(checklist.output, all, current?.checkpoint_id ?? null);
    const complete = current !== null && (evaluation.legacyComplete || evaluation.values[current.checkpoint_id] !== undefined);
    cache?.set(key, { complete, evaluation, evaluated_at: args.now });
    return { evaluation, source: 'checklist' };
  }
  const cached = cache?.get(key);
  if (cached !== undefined && args.now - cached.evaluated_at >= 0 && args.now - cached.evaluated_at < EVALUATION_TTL_MS) {
    const evaluation = cached.evaluation ?? { ...emptyEvaluation(), legacyComplete: cached.complete };
    return { evaluation, source: 'cache' };
  }
  return null;
}

/**
 * The services to select this turn: the requested ones, plus what judging the current checkpoint needs —
 * the checklist agent, and the agent whose finding its criteria name (e.g. nutrition for a meals
 * checkpoint). Without them a checkpoint could never complete in a conversation whose client did not
 * happen to request those services. `selectable` (the registry's selectable services), when given, limits
 * the additions to agents the deployment has. Nothing is added while paused (no agents run then).
 */
export function servicesForTurn(
  state: ConversationState,
  requested: readonly string[],
  selectable?: readonly string[],
): string[] {
  const out = [...requested];
  const pos = currentPosition(state);
  if (state.is_paused) return out;
  if (pos === null || pos.checkpoint === null) {
    // Everything settled: the checklist still reads corrections and "bye".
    if (!out.includes(CHECKLIST_AGENT) && (selectable === undefined || selectable.includes(CHECKLIST_AGENT))) out.push(CHECKLIST_AGENT);
    return out;
  }
  // Any open checkpoint may be answered this turn: add the agents whose findings its slot is read from.
  const open = state.task_stack.flatMap((t) => t.checkpoints).filter((c) => !isClosed(c.status));
  const wanted = [
    CHECKLIST_AGENT,
    pos.checkpoint.criteria.agent_finding?.agent,
    ...open.map((c) => (c.slot !== undefined ? agentForSlot(c.slot) : c.criteria.agent_finding?.agent)),
  ];
  for (const agent of wanted) {
    if (agent === undefined || out.includes(agent)) continue;
    if (selectable !== undefined && !selectable.includes(agent)) continue;
    out.push(agent);
  }
  return out;
}

/**
 * Start a turn: credit checkpoints that joined the stack since the patient volunteered their answer (from the
 * stored values, not by re-reading text), then the seed's beginTurn (current checkpoint → in_progress).
 */
export function prepareTurn(state: ConversationState, now: number): ConversationState {
  if (state.is_paused) return state;
  return beginTurn(creditNoted(state, new Date(now).toISOString()));
}

/** The human-intervention agent's flag, if it asked for a human this turn. */
export function findEscalation(agents: Readonly<Record<string, AgentResult>>): Escalation | null {
  const result = agents[HUMAN_INTERVENTION_AGENT];
  if (result?.status !== 'ok' || result.output?.flags.requires_human !== true) return null;
  const flags = result.output.flags;
  return { agent: HUMAN_INTERVENTION_AGENT, severity: flags.severity ?? null, reason: flags.reason ?? 'flagged for human review' };
}

/**
 * The user's text as kept in the context, bounded in length: the privacy agent's redaction when it ran,
 * always followed by the built-in redaction floor (privacy fails closed: a failed or skipped agent never lets
 * the raw text through).
 */
export function contextUserText(text: string, agents: Readonly<Record<string, AgentResult>>): string {
  return truncate(safeUserText(text, agents), MAX_CONTEXT_TEXT_CHARS);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Add a turn to the rolling context: the last RECENT_TURNS turns verbatim; a turn that falls out is folded
 * into the summary as one short line (the async history agent may later replace the summary with a better
 * one). The summary is capped, oldest text dropped first.
 */
export function appendTurnContext(
  context: ConversationState['context'],
  entry: TurnSummary,
): ConversationState['context'] {
  const recent = [...context.recent, entry];
  let summary = context.summary;
  while (recent.length > RECENT_TURNS) {
    const old = recent.shift()!;
    const line = `Turn ${old.turn}: user said "${truncate(old.user, 120)}"; replied "${truncate(old.reply, 80)}".`;
    summary = summary === '' ? line : `${summary}\n${line}`;
  }
  if (summary.length > MAX_SUMMARY_CHARS) summary = summary.slice(summary.length - MAX_SUMMARY_CHARS);
  return { summary, recent };
}

/** The input every agent of this turn receives: ids, the current task and checkpoint, bounded context. */
export function buildAgentTurnInput(state: ConversationState, query: OrchestratorQuery, turnNumber: number): AgentTurnInput {
  const pos = currentPosition(state);
  const toRef = (c: Checkpoint, taskId?: string) => ({
    checkpoint_id: c.checkpoint_id,
    description: c.description,
    question: c.question,
    criteria: c.criteria,
    status: c.status,
    ...(taskId !== undefined ? { task_id: taskId } : {}),
    ...(c.questions !== undefined ? { questions: c.questions } : {}),
    ...(c.rephrase !== undefined ? { rephrase: c.rephrase } : {}),
    ...(c.slot !== undefined ? { slot: c.slot } : {}),
    ...(c.value !== undefined ? { value: c.value } : {}),
    ...(c.asked !== undefined ? { asked: c.asked } : {}),
  });
  const task =
    pos === null
      ? null
      : {
          task_id: pos.task.task_id,
          name: pos.task.name,
          kind: pos.task.kind,
          status: pos.task.status,
          ...(pos.task.service !== undefined ? { service: pos.task.service } : {}),
        };
  return {
    contract_version: CONTRACT_VERSION,
    text: query.text,
    conversation_id: state.conversation_id,
    individual_id: state.individual_id,
    user_profile_id: query.user_profile_id,
    agent_instance_id: query.agent_instance_id,
    call_log_id: query.call_log_id,
    plan: state.plan,
    channel: query.channel ?? state.channel,
    detected_agent: query.detected_agent,
    task,
    checkpoint: pos?.checkpoint ? toRef(pos.checkpoint) : null,
    task_checkpoints: pos === null ? [] : pos.task.checkpoints.slice(0, 50).map((c) => toRef(c)),
    stack_checkpoints: state.task_stack.flatMap((t) => t.checkpoints.map((c) => toRef(c, t.task_id))).slice(0, 100),
    language: detectLanguage(query.text, state.language),
    ...(state.stopped ? { resumed: true } : {}),
    context: {
      summary: state.context.summary,
      recent: state.context.recent.slice(-10).map((r) => ({ turn: r.turn, user: r.user, reply: r.reply })),
      turn_number: turnNumber,
    },
  };
}

/** Close a turn: count it, add it to the rolling context, stamp the time. */
export function finishTurn(
  state: ConversationState,
  turn: { userText: string; reply: string; now: number },
): ConversationState {
  const number = state.turn_count + 1;
  return {
    ...state,
    language: detectLanguage(turn.userText, state.language),
    turn_count: number,
    context: appendTurnContext(state.context, { turn: number, user: turn.userText, reply: turn.reply }),
    updated_at: new Date(turn.now).toISOString(),
  };
}

/** The outcome of applying one turn to a state. */
export interface AppliedTurn {
  state: ConversationState;
  reply: string;
  responder: ResponderName;
  is_enriched: boolean;
  verdict: CheckpointVerdict | null;
  escalation: Escalation | null;
  /** The safety floor ∨ human_intervention outcome (safety/turn-safety.ts). */
  safety: SafetyDecision;
}

/**
 * Apply the fan-out's results to a state that went through `beginTurn`: evaluate the current checkpoint
 * (advancing on completion), then pause for a human if flagged, then choose the reply and close the turn.
 * An escalating turn answers with the holding reply: the responder ran in parallel with the
 * human-intervention agent and could not know the turn needed a person.
 */
export function applyFanoutResult(
  state: ConversationState,
  args: { query: OrchestratorQuery; fanout: FanoutResult; now: number; cache?: KeyValueCache<CachedEvaluation> },
): AppliedTurn {
  const at = new Date(args.now).toISOString();
  const { agents } = args.fanout;
  const pos = currentPosition(state);
  const currentId = pos?.checkpoint?.status === 'in_progress' ? pos.checkpoint.checkpoint_id : null;
  const read = readTurnEvaluation({
    state,
    text: args.query.text,
    agents,
    now: args.now,
    ...(args.cache !== undefined ? { cache: args.cache } : {}),
  });
  let next = read === null ? { ...state, stopped: false } : applyEvaluation(state, read.evaluation, currentId, at).state;
  const verdict: CheckpointVerdict | null =
    read === null || currentId === null
      ? null
      : {
          checkpoint_id: currentId,
          complete: next.task_stack.some((t) => t.checkpoints.some((c) => c.checkpoint_id === currentId && c.status === 'complete')),
          source: read.source,
        };
  const responder = args.fanout.responder;
  const responderOk = responder.status === 'ok' && responder.output !== undefined;
  // Safety floor ∨ human_intervention: pause, guidance reply, redacted text (safety/engine.ts).
  const safe = applySafety(next, { text: args.query.text, agents, at, responderReply: responderOk ? responder.output!.response : undefined });
  const userText = contextUserText(args.query.text, agents);
  next = safe.state;
  const escalation = safe.escalation;
  const reply = safe.reply ?? (responderOk ? responder.output!.response : FALLBACK_REPLY);
  const is_enriched = escalation === null && responderOk && responder.output!.is_enriched;
  if (escalation === null && responderOk) next = recordAsked(next, responder.output!.asks_checkpoint_id);
  next = finishTurn(next, { userText, reply, now: args.now });
  return { state: next, reply, responder: responder.name ?? routeResponder(args.query.detected_agent), is_enriched, verdict, escalation, safety: safe.decision };
}

/** A turn on a paused conversation: no agents, the holding reply, the turn still recorded. */
export function applyHoldingTurn(state: ConversationState, args: { query: OrchestratorQuery; now: number }): AppliedTurn {
  // Held turns are re-screened and redacted too; the holding reply repeats the guidance (safety/engine.ts).
  const held = applyHeldSafety(state, { text: args.query.text, at: new Date(args.now).toISOString() });
  const next = finishTurn(held.state, { userText: contextUserText(args.query.text, {}), reply: held.reply, now: args.now });
  return {
    state: next,
    reply: held.reply,
    responder: routeResponder(args.query.detected_agent),
    is_enriched: false,
    verdict: null,
    escalation: held.escalation,
    safety: held.decision,
  };
}
