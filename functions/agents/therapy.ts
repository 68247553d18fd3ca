/**
 * therapy — reference specialist responder (supportive, CBT-informed listener; not a therapist). Tone:
 * validating, reflective, curious. Goals: help the person name what they feel, notice thoughts behind it,
 * and choose one small helpful action; it also asks the pending checkpoint's question so the check-in
 * progresses. Safety escalation comes first.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import { acknowledgements, checkpointToAsk, clampResponse, escalationMessage, seedOf } from './responder-kit.js';
import { Lexicon, isNegated, pick, tokenize } from './text.js';

export const RESPONDER_NAME = 'therapy';

type Feeling = 'anxious' | 'sad' | 'angry' | 'stressed' | 'overwhelmed';
const FEELINGS = new Lexicon<Feeling>([
  ['anxious', 'anxious'], ['anxiety', 'anxious'], ['worried', 'anxious'], ['nervous', 'anxious'], ['ansioso', 'anxious'], ['ansiosa', 'anxious'], ['ansiedad', 'anxious'],
  ['sad', 'sad'], ['feeling down', 'sad'], ['depressed', 'sad'], ['hopeless', 'sad'], ['triste', 'sad'], ['deprimido', 'sad'], ['deprimida', 'sad'],
  ['angry', 'angry'], ['frustrated', 'angry'], ['furious', 'angry'], ['enojado', 'angry'], ['enojada', 'angry'],
  ['stressed', 'stressed'], ['stress', 'stressed'], ['estresado', 'stressed'], ['estresada', 'stressed'],
  ['overwhelmed', 'overwhelmed'], ['too much', 'overwhelmed'], ['agobiado', 'overwhelmed'], ['agobiada', 'overwhelmed'],
]);

/** Composes the therapy-style reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) return { responder: 'therapy', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  const tokens = tokenize(req.text);
  const feeling = FEELINGS.scan(tokens).find((m) => !isNegated(tokens, m.first, 3))?.value;
  const ack = acknowledgements(req);
  const parts: string[] = [];
  if (feeling) {
    parts.push(`It sounds like you are feeling ${feeling}, and that makes sense given what you have been carrying.`);
    parts.push(pick(['What thoughts tend to come up when you feel this way?', 'Where do you notice that feeling in your body right now?', 'What has helped, even a little, the last time you felt like this?'], seedOf(req, 'reflect')));
  } else {
    parts.push(pick(['Thank you for sharing that with me.', 'I appreciate you taking the time to reflect on this.', 'I am listening.'], seedOf(req, 'open')));
  }
  const found = [...ack.medication.filter((s) => s.startsWith('I am sorry')), ...ack.followup];
  parts.push(...found);
  const next = checkpointToAsk(req);
  if (next) parts.push(`When you are ready: ${next.question}`);
  else if (req.task_checkpoints.length > 0) parts.push('Thank you for reflecting with me today. Be gentle with yourself until we talk again.');
  else if (!feeling) parts.push('How have you been feeling since we last talked?');
  return { responder: 'therapy', response: clampResponse(parts.join(' ')), is_enriched: found.length > 0, asks_checkpoint_id: next?.checkpoint_id ?? null };
}
