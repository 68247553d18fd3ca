/**
 * therapy — reference specialist responder (reflective listening). Tone: it reflects the feeling the person
 * names ("it sounds like you are feeling anxious") without adding a second question, then the shared reply
 * (./reply.ts): acknowledgement, at most one question, goodbye on stop, closing only when everything is
 * settled. Safety escalation comes first.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import { ConceptLexicon } from './nlp.js';
import { composeReply } from './reply.js';
import { clampResponse, escalationMessage } from './responder-kit.js';
import { isNegated, tokenize } from './text.js';

export const RESPONDER_NAME = 'therapy';

type Feeling = 'anxious' | 'sad' | 'angry' | 'stressed' | 'overwhelmed';
const FEELINGS = new ConceptLexicon<Feeling>([
  ['anxious', 'anxious'], ['anxiety', 'anxious'], ['worried', 'anxious'], ['nervous', 'anxious'], ['ansioso', 'anxious'], ['ansiosa', 'anxious'], ['ansiedad', 'anxious'],
  ['sad', 'sad'], ['feeling down', 'sad'], ['depressed', 'sad'], ['hopeless', 'sad'], ['triste', 'sad'], ['deprimido', 'sad'], ['deprimida', 'sad'],
  ['angry', 'angry'], ['frustrated', 'angry'], ['furious', 'angry'], ['enojado', 'angry'], ['enojada', 'angry'],
  ['stressed', 'stressed'], ['stress', 'stressed'], ['estresado', 'stressed'], ['estresada', 'stressed'],
  ['overwhelmed', 'overwhelmed'], ['too much', 'overwhelmed'], ['agobiado', 'overwhelmed'], ['agobiada', 'overwhelmed'],
]);
const ES_FEELING: Record<Feeling, string> = { anxious: 'ansiedad', sad: 'tristeza', angry: 'enojo', stressed: 'estrés', overwhelmed: 'agobio' };

/** Composes the therapy-style reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) return { responder: 'therapy', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  return composeReply(req, {
    voice: [['Thank you for sharing that with me.', 'Gracias por compartirlo conmigo.'], ['I am listening.', 'Te escucho.']],
    responder: 'therapy',
    opener: (r, view) => {
      if (view.stop) return null;
      const tokens = tokenize(r.text);
      const feeling = FEELINGS.scan(tokens).find((m) => !isNegated(tokens, m.first, 3))?.value;
      if (feeling === undefined) return null;
      return view.language === 'es'
        ? `Parece que sientes ${ES_FEELING[feeling]}, y tiene sentido con todo lo que estás cargando.`
        : `It sounds like you are feeling ${feeling}, and that makes sense given what you have been carrying.`;
    },
    closing: [
      ['Thank you for reflecting with me today. Be gentle with yourself until we talk again.', 'Gracias por reflexionar conmigo hoy. Sé amable contigo hasta que hablemos de nuevo.'],
      ['I appreciate you taking this time for yourself. Take good care until next time.', 'Gracias por tomarte este tiempo para ti. Cuídate mucho hasta la próxima.'],
    ],
  });
}
