/**
 * loneliness — reference specialist responder (companion). Tone: warm, unhurried, personal. Goals: make the
 * person feel heard, gently encourage one small social connection, and keep the check-in moving by asking
 * the pending checkpoint's question. Safety escalation comes first, as for every responder.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import { acknowledgements, checkpointToAsk, clampResponse, escalationMessage, seedOf } from './responder-kit.js';
import { Lexicon, pick, tokenize } from './text.js';

export const RESPONDER_NAME = 'loneliness';

const LONELY = new Lexicon<true>(
  ['lonely', 'alone', 'isolated', 'nobody', 'no one', 'miss my', 'solo', 'sola', 'soledad', 'aislado', 'aislada'].map((w) => [w, true] as const),
);

/** Composes the loneliness companion's reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) return { responder: 'loneliness', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  const feelsAlone = LONELY.scan(tokenize(req.text)).length > 0;
  const ack = acknowledgements(req);
  const parts: string[] = [
    pick(['It is really good to hear from you.', 'I am glad you reached out today.', 'Thank you for spending a few minutes with me.'], seedOf(req, 'open')),
  ];
  if (feelsAlone) {
    parts.push(pick(['Feeling alone can be heavy, and I am here with you.', 'Loneliness is hard, and it makes sense that you feel it.', 'You are not a bother; I am glad to keep you company.'], seedOf(req, 'alone')));
  }
  const found = [...ack.followup, ...ack.nutrition.slice(0, 1), ...ack.medication.slice(0, 1)];
  parts.push(...found);
  const next = checkpointToAsk(req);
  if (next) {
    parts.push(next.question);
  } else {
    parts.push(pick(
      ['Is there someone you would like to reach out to this week, a friend, a neighbour or family?', 'What is one small thing that usually helps you feel a little more connected?'],
      seedOf(req, 'connect'),
    ));
  }
  return { responder: 'loneliness', response: clampResponse(parts.join(' ')), is_enriched: found.length > 0, asks_checkpoint_id: next?.checkpoint_id ?? null };
}
