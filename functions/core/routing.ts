/**
 * Agent detection and routing (seed flowchart): `detected_agent` loneliness / accountability / therapy go to
 * that specialist responder; general goes to the primary responder, enriched with the agent results.
 */
import type { ResponderName } from '../contracts/agent.js';
import { DETECTED_AGENTS } from '../contracts/api.js';

/** Accepted `detected_agent` values. */
export const ACCEPTED_DETECTED_AGENTS: readonly string[] = DETECTED_AGENTS;

const SPECIALISTS: Readonly<Record<string, ResponderName>> = {
  loneliness: 'loneliness',
  accountability: 'accountability',
  therapy: 'therapy',
};

/** The responder for a detected agent. Anything not a specialist (i.e. `general`) goes to primary. */
export function routeResponder(detectedAgent: string): ResponderName {
  return SPECIALISTS[detectedAgent] ?? 'primary';
}
