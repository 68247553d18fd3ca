/**
 * privacy — reference agent: finds personal identifiers (emails, phone numbers, SSN-like numbers,
 * dates of birth, street addresses, card numbers) and returns the text with typed placeholders such as
 * [EMAIL]. Dependents must analyse `redacted_text`, never the raw text.
 *
 * The identifier patterns live in functions/core/safety/identifiers.ts, shared with the orchestrator's
 * redaction floor (one implementation: what this agent redacts, the floor redacts when the agent fails).
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { redact, type EntityType } from '../core/safety/identifiers.js';

export {
  findEntities,
  luhnValid,
  MAX_PRIVACY_CHARS,
  PLACEHOLDERS,
  redact,
  type EntityType,
  type PrivacyEntity,
} from '../core/safety/identifiers.js';

export const AGENT_NAME = 'privacy';

/** Runs the privacy agent over one turn. */
export function run(request: AgentRequest): AgentOutput {
  const { text, entities, truncated } = redact(request.text);
  const counts: Partial<Record<EntityType, number>> = {};
  for (const e of entities) counts[e.type] = (counts[e.type] ?? 0) + 1;
  const types = Object.keys(counts);
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: { entities, entity_count: entities.length, counts, truncated },
    flags: {},
    redacted_text: text,
    summary:
      entities.length === 0
        ? 'No personal identifiers found.'
        : `Redacted ${entities.length} personal identifier${entities.length === 1 ? '' : 's'} (${types.join(', ')}).`,
  };
}
