/**
 * Shared pieces of the store suites: a realistic state, a turn the way the engine will build it (bounded
 * context: last 5 turns + a truncated summary), and a capture of the commands a client sends.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAX_SUMMARY_CHARS, type ConversationState } from '../../../functions/core/state.js';
import type { Clock, TurnRecord } from '../../../functions/core/ports.js';

/** A state as a first turn creates it (one main task with three checkpoints). */
export function makeState(conversationId: string, now = Date.UTC(2026, 10, 23, 12)): ConversationState {
  const at = new Date(now).toISOString();
  return {
    schema_version: 2,
    conversation_id: conversationId,
    individual_id: 'ind-1',
    user_profile_id: 'profile-1',
    agent_instance_id: 'agent-1',
    plan: 'weight_loss',
    services: ['privacy', 'nutrition'],
    channel: null,
    task_stack: [
      {
        task_id: 'main',
        name: 'Weight loss',
        kind: 'main',
        status: 'active',
        checkpoints: ['goal', 'baseline', 'habits'].map((id, i) => ({
          checkpoint_id: id,
          description: `Checkpoint ${id}`,
          question: `Question about ${id}?`,
          criteria: {},
          status: i === 0 ? 'in_progress' : 'pending',
          source: 'plan',
        })),
      },
    ],
    turn_count: 0,
    is_paused: false,
    requires_human: false,
    pause_log: [],
    context: { summary: '', recent: [] },
    language: 'en',
    noted: {},
    stopped: false,
    created_at: at,
    updated_at: at,
  } as ConversationState;
}

export const RECENT_KEPT = 5;
/** The engine's summary cap (AgentContext allows 4000 characters). */
export const SUMMARY_CHARS = MAX_SUMMARY_CHARS;

/** Apply one turn like the engine does: turn_count + 1, bounded rolling context. Returns a new state. */
export function applyTurn(state: ConversationState, userText = 'hello there'): ConversationState {
  const next = structuredClone(state);
  next.turn_count = state.turn_count + 1;
  const reply = `reply to turn ${next.turn_count}: ${'x'.repeat(120)}`;
  next.context = {
    summary: `${state.context.summary} t${next.turn_count}: ${userText.slice(0, 40)}.`.slice(-SUMMARY_CHARS),
    recent: [...state.context.recent, { turn: next.turn_count, user: userText, reply }].slice(-RECENT_KEPT),
  };
  return next;
}

/** The turn record for `next` (no user text, as by default). */
export function turnRecord(next: ConversationState, callLogId = `call-${next.turn_count}`): TurnRecord {
  return {
    turn: next.turn_count,
    conversation_id: next.conversation_id,
    call_log_id: callLogId,
    detected_agent: 'general',
    responder: 'primary',
    at: new Date(Date.UTC(2026, 10, 23, 12)).toISOString(),
    agents: [
      { agent: 'privacy', status: 'ok', latency_ms: 12 },
      { agent: 'nutrition', status: 'ok', latency_ms: 30 },
    ],
    response: { response: `reply ${next.turn_count}`, checkpoint_status: 'in_progress' },
    timing_metrics: { total_ms: 120, fanout_ms: 80 },
  };
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 23, 12)) {}
  now(): number {
    return this.ms;
  }
}

export interface SentCommand {
  operation: string;
  input: Record<string, unknown>;
}

/** Record every command a client sends (document-level input, before marshalling). */
export function captureCommands(client: DynamoDBDocumentClient): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ operation: String(context.commandName).replace(/Command$/, ''), input: structuredClone(args.input as Record<string, unknown>) });
      return next(args);
    },
    { step: 'initialize', name: `capture${Math.random()}`, priority: 'high' },
  );
  return sent;
}

/**
 * Size of an item as DynamoDB bills it (close approximation of the documented rules): attribute names +
 * values; strings UTF-8 bytes, numbers ~ digits/2 + 1, booleans/null 1, lists/maps 3 + 1 per element.
 */
export function dynamoItemSize(item: Record<string, unknown>): number {
  const valueSize = (v: unknown): number => {
    if (v === null || typeof v === 'boolean') return 1;
    if (typeof v === 'string') return Buffer.byteLength(v);
    if (typeof v === 'number') return Math.ceil(String(Math.abs(v)).replace(/[.-]/g, '').length / 2) + 1;
    if (Array.isArray(v)) return 3 + v.reduce<number>((n, x) => n + 1 + valueSize(x), 0);
    if (typeof v === 'object') {
      return 3 + Object.entries(v as Record<string, unknown>).reduce((n, [k, x]) => n + 1 + Buffer.byteLength(k) + valueSize(x), 0);
    }
    return 0;
  };
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueSize(v), 0);
}
