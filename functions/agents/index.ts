/**
 * Registry of the built-in reference agents and responders, by the names used in config/agents.json.
 * The generic Lambda (functions/agent/handler.ts), the local stack and the tests look them up here.
 * Each one is pure and deterministic; see docs/contracts.md for the JSON contracts they speak.
 */
import type { AgentOutput, AgentRequest, ResponderName, ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import * as checklist from './checklist.js';
import * as followup from './followup.js';
import * as history from './history.js';
import * as humanIntervention from './human-intervention.js';
import * as medication from './medication.js';
import * as nutrition from './nutrition.js';
import * as privacy from './privacy.js';
import * as primary from './primary.js';
import * as loneliness from './loneliness.js';
import * as accountability from './accountability.js';
import * as therapy from './therapy.js';

/** A reference agent: AgentRequest in, AgentOutput out (pure). */
export type ReferenceAgentFn = (request: AgentRequest) => AgentOutput;
/** A reference responder: ResponderRequest in, ResponderOutput out (pure). */
export type ReferenceResponderFn = (request: ResponderRequest) => ResponderOutput;

/** Every reference agent by registry name. `history.run` does not persist (the handler does). */
export const REFERENCE_AGENTS: Readonly<Record<string, ReferenceAgentFn>> = Object.freeze({
  privacy: privacy.run,
  human_intervention: humanIntervention.run,
  checklist: checklist.run,
  nutrition: nutrition.run,
  medication: medication.run,
  followup: (request: AgentRequest) => followup.run(request),
  history: history.run,
});

/** Every reference responder by name (the contract's ResponderName). */
export const REFERENCE_RESPONDERS: Readonly<Record<ResponderName, ReferenceResponderFn>> = Object.freeze({
  primary: primary.respond,
  loneliness: loneliness.respond,
  accountability: accountability.respond,
  therapy: therapy.respond,
});

export { generate as generateCheckpoints } from './checkpoint-generator.js';
export { summarize as summarizeHistory } from './history.js';
