/**
 * loneliness — reference specialist responder (companion). Tone: warm, unhurried, personal: it names
 * loneliness when the person does, then acknowledges what was said and asks at most one question, like every
 * responder (./reply.ts). Safety escalation comes first.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import { ConceptLexicon } from './nlp.js';
import { composeReply } from './reply.js';
import { clampResponse, escalationMessage, seedOf } from './responder-kit.js';
import { isNegated, pick, tokenize } from './text.js';

export const RESPONDER_NAME = 'loneliness';

const LONELY = new ConceptLexicon<true>(
  ['lonely', 'alone', 'isolated', 'nobody', 'no one', 'miss my', 'solo', 'sola', 'soledad', 'aislado', 'aislada', 'nadie'].map((w) => [w, true] as const),
);

/** Composes the loneliness companion's reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) return { responder: 'loneliness', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  return composeReply(req, {
    voice: [['It is really good to hear from you.', 'Qué gusto saber de ti.'], ['I am glad you reached out today.', 'Me alegra que me escribas hoy.']],
    responder: 'loneliness',
    opener: (r, view) => {
      const tokens = tokenize(r.text);
      const alone = LONELY.scan(tokens).some((h) => !isNegated(tokens, h.first, 2) || tokens[h.first]!.w === 'nobody' || tokens[h.first]!.w === 'nadie');
      if (!alone || view.stop) return null;
      return view.language === 'es'
        ? pick(['Sentirse solo pesa mucho, y aquí estoy contigo.', 'La soledad es difícil, y tiene sentido que la sientas.'], seedOf(r, 'alone'))
        : pick(['Feeling alone can be heavy, and I am here with you.', 'Loneliness is hard, and it makes sense that you feel it.'], seedOf(r, 'alone'));
    },
    closing: [
      ['Thank you for spending this time with me. I really enjoyed our chat, and I am here whenever you want to talk.', 'Gracias por pasar este rato conmigo. Disfruté mucho la charla y aquí estoy cuando quieras hablar.'],
      ['It was lovely talking with you today. Reach out any time; I am glad to keep you company.', 'Fue muy lindo hablar contigo hoy. Escríbeme cuando quieras; me alegra acompañarte.'],
    ],
  });
}
