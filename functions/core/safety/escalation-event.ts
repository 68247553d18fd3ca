/**
 * The hand-off to a care team: every escalation (and every severity increase while paused) becomes one
 * `HumanEscalationRequested` event (source `polaris.orchestrator`) carrying ids, category, severity and
 * times — never the patient's text. Published after the turn commits (functions/adapters/escalation-publisher.ts);
 * a failed publish is retried and reported, never fails or loses the committed turn.
 */
import type { Severity } from './types.js';
import type { GuidanceCategory } from './guidance.js';
import type { SafetyDecision } from './turn-safety.js';

export const ESCALATION_SOURCE = 'polaris.orchestrator';
export const ESCALATION_DETAIL_TYPE = 'HumanEscalationRequested';

/** The event's `detail`: ids, category, severity and times only. */
export interface EscalationDetail {
  /** 1 for this shape; additive changes keep it. */
  schema_version: 1;
  /** `escalation`: the turn paused the conversation; `severity_increase`: a held turn raised its severity. */
  kind: 'escalation' | 'severity_increase';
  conversation_id: string;
  individual_id: string;
  user_profile_id: string;
  agent_instance_id: string;
  call_log_id: string;
  /** The committed turn number and the state version it produced. */
  turn: number;
  version: number;
  category: GuidanceCategory;
  /** Every category concerned (most severe first). */
  categories: GuidanceCategory[];
  severity: Severity;
  /** The severity the conversation had before (null on the first escalation). */
  previous_severity: Severity | null;
  /** Who asked for a person: the built-in floor, the human_intervention agent, or both. */
  source: 'floor' | 'agent' | 'both';
  /** ISO times: when the turn was escalated (committed) and when the request arrived. */
  escalated_at: string;
  request_received_at: string;
}

/** What the publisher port sends (one EventBridge entry). */
export interface EscalationEvent {
  source: typeof ESCALATION_SOURCE;
  detailType: typeof ESCALATION_DETAIL_TYPE;
  detail: EscalationDetail;
}

/** Publishes escalation events; implementations retry and never throw (a failure is reported, not raised). */
export interface EscalationPublisher {
  publish(event: EscalationEvent): Promise<{ published: boolean; attempts: number }>;
}

/** The event for a committed escalating (or severity-raising held) turn; null when the turn did not escalate. */
export function buildEscalationEvent(args: {
  decision: SafetyDecision;
  previousSeverity: Severity | null;
  ids: { conversation_id: string; individual_id: string; user_profile_id: string; agent_instance_id: string; call_log_id: string };
  turn: number;
  version: number;
  escalatedAt: number;
  requestReceivedAt: number;
}): EscalationEvent | null {
  const { decision } = args;
  if (!decision.escalate || decision.severity === null) return null;
  return {
    source: ESCALATION_SOURCE,
    detailType: ESCALATION_DETAIL_TYPE,
    detail: {
      schema_version: 1,
      kind: decision.raised ? 'severity_increase' : 'escalation',
      conversation_id: args.ids.conversation_id,
      individual_id: args.ids.individual_id,
      user_profile_id: args.ids.user_profile_id,
      agent_instance_id: args.ids.agent_instance_id,
      call_log_id: args.ids.call_log_id,
      turn: args.turn,
      version: args.version,
      category: decision.category ?? 'unspecified',
      categories: decision.categories,
      severity: decision.severity,
      previous_severity: args.previousSeverity,
      source: decision.source ?? 'floor',
      escalated_at: new Date(args.escalatedAt).toISOString(),
      request_received_at: new Date(args.requestReceivedAt).toISOString(),
    },
  };
}
