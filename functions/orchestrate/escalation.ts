/**
 * After the commit: hand an escalating turn (or a held turn whose severity rose) to the care team as a
 * `HumanEscalationRequested` event. Never throws and never delays the reply beyond the publisher's own
 * bounded retries: the turn is committed, the hand-off failure is reported (metric + log) for the alarm.
 */
import type { OrchestratorQuery } from '../contracts/api.js';
import { buildEscalationEvent, type EscalationPublisher } from '../core/safety/escalation-event.js';
import type { SafetyDecision } from '../core/safety/turn-safety.js';

export async function publishEscalation(args: {
  publisher: EscalationPublisher | undefined;
  query: OrchestratorQuery;
  decision: SafetyDecision;
  turn: number;
  version: number;
  escalatedAt: number;
  requestReceivedAt: number;
  warn?: (message: string, fields: Record<string, unknown>) => void;
}): Promise<void> {
  const event = buildEscalationEvent({
    decision: args.decision,
    previousSeverity: args.decision.previous_severity ?? null,
    ids: args.query,
    turn: args.turn,
    version: args.version,
    escalatedAt: args.escalatedAt,
    requestReceivedAt: args.requestReceivedAt,
  });
  if (event === null) return;
  if (args.publisher === undefined) {
    args.warn?.('escalation not published: no escalation bus configured', { conversation_id: args.query.conversation_id });
    return;
  }
  try {
    const { published, attempts } = await args.publisher.publish(event);
    if (!published) args.warn?.('escalation event not published', { conversation_id: args.query.conversation_id, attempts });
  } catch (err) {
    args.warn?.('escalation event not published', { conversation_id: args.query.conversation_id, error: err instanceof Error ? err.name : 'unknown' });
  }
}
