/**
 * accountability — reference specialist responder (coach). Tone: encouraging and concrete: a commitment
 * without a day gets a nudge to name one. Otherwise the shared reply (./reply.ts): acknowledgement, at most
 * one question, goodbye on stop, closing only when everything is settled. Safety escalation comes first.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import type { SlotValue } from '../contracts/slots.js';
import { composeReply } from './reply.js';
import { clampResponse, escalationMessage } from './responder-kit.js';

export const RESPONDER_NAME = 'accountability';

/** Composes the accountability coach's reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) return { responder: 'accountability', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  return composeReply(req, {
    voice: [['Let us keep your momentum going.', 'Sigamos con ese impulso.'], ['Good to check in on your goals.', 'Qué bueno revisar tus metas.']],
    responder: 'accountability',
    opener: (_r, view) => {
      let value: SlotValue | undefined;
      for (const o of view.outcomes.values()) if (o.kind === 'complete' && o.value?.type === 'commitment' && o.value.none !== true) value = o.value;
      if (value?.type !== 'commitment' || value.due !== undefined || view.stop) return null;
      return view.language === 'es'
        ? 'Ponerle día y hora hace mucho más probable que lo cumplas.'
        : 'Naming a day and time makes it much more likely to happen.';
    },
    closing: [
      ['That is a solid plan. I will check in on how it goes. Keep it up!', 'Es un buen plan. Te preguntaré cómo te va. ¡Sigue así!'],
      ['Great work today. I will hold you to it and ask how it went.', 'Buen trabajo hoy. Te preguntaré cómo te fue.'],
    ],
  });
}
