/**
 * accountability — reference specialist responder (coach). Tone: direct, encouraging, concrete. Goals: turn
 * intentions into specific commitments (what and when), name progress, and treat misses as information
 * ("what got in the way?") rather than failure. Safety escalation comes first.
 */
import type { ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import { acknowledgements, checkpointToAsk, clampResponse, escalationMessage, secondPerson, seedOf } from './responder-kit.js';
import { pick } from './text.js';

export const RESPONDER_NAME = 'accountability';

/** Composes the accountability coach's reply for one turn. */
export function respond(req: ResponderRequest): ResponderOutput {
  const escalation = escalationMessage(req);
  if (escalation) return { responder: 'accountability', response: clampResponse(escalation), is_enriched: true, asks_checkpoint_id: null };
  const ack = acknowledgements(req);
  const parts: string[] = [pick(['Let us keep your momentum going.', 'Good to check in on your goals.', 'Thanks for showing up for yourself today.'], seedOf(req, 'open'))];
  let enriched = false;
  const firm = ack.commitments[0];
  if (firm) {
    enriched = true;
    parts.push(`You committed to ${secondPerson(firm.text)}${firm.due ? ` ${secondPerson(firm.due.text)}` : ''}.`);
    parts.push(firm.due ? 'I will hold you to it, and I will ask how it went.' : 'When exactly will you do it? Naming a day and time makes it much more likely to happen.');
  }
  if (!firm && ack.followup.length > 0) {
    enriched = true;
    parts.push(ack.followup[0]!);
  }
  if (ack.missedMedication.length > 0) {
    enriched = true;
    parts.push(`You missed ${ack.missedMedication.join(' and ')}. What got in the way, and what could make it easier tomorrow?`);
  } else if (ack.medication.length > 0) {
    enriched = true;
    parts.push(ack.medication[0]!);
  }
  if (ack.nutrition.length > 0) {
    enriched = true;
    parts.push(ack.nutrition[0]!);
  }
  const next = checkpointToAsk(req);
  if (next) parts.push(next.question);
  else if (!firm) parts.push('What is one concrete step you will take before we talk next, and when?');
  return { responder: 'accountability', response: clampResponse(parts.join(' ')), is_enriched: enriched, asks_checkpoint_id: next?.checkpoint_id ?? null };
}
