/**
 * primary — reference responder: composes the reply of a general check-in. It acknowledges what the
 * agents found (meals and water logged, medication taken or missed, side effects, commitments) and asks the
 * current checkpoint's question — or, when the checklist says the current checkpoint is now complete, the
 * next pending checkpoint's question. A completed checkpoint's question is never asked again.
 * When human_intervention flagged requires_human, the reply is a supportive escalation message instead.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import {
  acknowledgements,
  alreadyAnswered,
  checkpointToAsk,
  clampResponse,
  currentCheckpointCompleted,
  escalationMessage,
  seedOf,
} from './responder-kit.js';
import { pick } from './text.js';

export const RESPONDER_NAME = 'primary';

/** Composes the primary reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) {
    return { responder: 'primary', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  }
  const ack = acknowledgements(req);
  const found = [...ack.nutrition, ...ack.medication, ...ack.followup];
  const parts: string[] = [];
  if (req.context.turn_number === 1 && found.length === 0) {
    parts.push(pick(['Hi, it is good to hear from you.', 'Hello, thanks for checking in.', 'Hi there, thanks for taking a moment for this.'], seedOf(req, 'hello')));
  }
  parts.push(...found);
  const justCompleted = currentCheckpointCompleted(req);
  const next = checkpointToAsk(req);
  if (justCompleted && found.length === 0 && req.context.turn_number > 1) {
    parts.push(pick(['Thank you, that is noted.', 'Great, thanks for sharing that.', 'Got it, thank you.'], seedOf(req, 'done')));
  }
  if (next) {
    if (!justCompleted && next.checkpoint_id === req.checkpoint?.checkpoint_id && req.context.turn_number > 1 && found.length === 0) {
      // Still on the same checkpoint and nothing new was found: ask again, gently and differently.
      parts.push(pick(['No rush.', 'Whenever you are ready.', 'Let us come back to this one.'], seedOf(req, 'again')));
    }
    if (alreadyAnswered(req, next)) {
      parts.push(pick(['Just to confirm for my notes:', 'To make sure I have it right:'], seedOf(req, 'confirm')));
    }
    parts.push(next.question);
  } else if (req.task_checkpoints.length > 0 || req.checkpoint) {
    parts.push(pick(["That covers everything for today's check-in. Thank you!", "We are all done with today's check-in. Thanks for checking in!"], seedOf(req, 'end')));
  } else if (found.length === 0) {
    parts.push('How are you feeling today?');
  }
  return {
    responder: 'primary',
    response: clampResponse(parts.join(' ')),
    is_enriched: found.length > 0,
    asks_checkpoint_id: next?.checkpoint_id ?? null,
  };
}
