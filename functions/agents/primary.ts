/**
 * primary — reference responder of a general check-in: acknowledges what was actually said (content and
 * tone), then asks at most one question — the next open checkpoint of the stack, main task first, then the
 * support tasks — in the patient's language; says goodbye when the patient wants to stop; closes only when
 * every checkpoint is complete, declined or skipped (./reply.ts). Safety escalation comes first.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import { composeReply } from './reply.js';
import { clampResponse, escalationMessage } from './responder-kit.js';

export const RESPONDER_NAME = 'primary';

/** Composes the primary reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) {
    return { responder: 'primary', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  }
  return composeReply(req, {
    responder: 'primary',
    closing: [
      ["That covers everything for today's check-in. Thank you!", 'Con esto terminamos el chequeo de hoy. ¡Gracias!'],
      ["We are all done with today's check-in. Thanks for checking in!", 'Ya terminamos el chequeo de hoy. ¡Gracias por escribir!'],
    ],
  });
}
