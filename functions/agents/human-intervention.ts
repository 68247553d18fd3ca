/**
 * human_intervention — reference agent: flags crisis and safety language (suicidal intent and passive
 * ideation, self-harm, overdose, abuse and violence, medical emergencies) so the orchestrator pauses the
 * conversation for a person from the care team.
 *
 * It is a thin wrapper over the orchestrator's built-in crisis screen (functions/core/safety/screen.ts):
 * ONE implementation, so the reference agent and the safety floor that runs on every turn always agree.
 * A team's own agent configured in its place is combined with that floor (the more severe outcome wins).
 * `flags.reason` is a category name, never the user's words.
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { screenText } from '../core/safety/screen.js';
import type { CrisisCategory, Severity } from '../core/safety/types.js';

export const AGENT_NAME = 'human_intervention';

export type { CrisisCategory, Severity } from '../core/safety/types.js';

/** One detected signal (category, severity and rule id; the words themselves are never reported). */
export interface CrisisSignal {
  category: CrisisCategory;
  severity: Severity;
  signal: string;
}

/** Detects crisis signals in the text; categories whose matches were negated are listed separately. */
export function detect(text: string): { signals: CrisisSignal[]; negated: CrisisCategory[] } {
  const result = screenText(text);
  const negated = [...new Set(result.suppressed.filter((s) => s.reason === 'negated').map((s) => s.category))].filter(
    (c) => !result.signals.some((s) => s.category === c),
  );
  return { signals: result.signals, negated };
}

/** Runs the human_intervention agent over one turn (raw text: crisis words are not identifiers). */
export function run(request: AgentRequest): AgentOutput {
  const { signals, negated } = detect(request.text);
  if (signals.length === 0) {
    return {
      agent: AGENT_NAME,
      status: 'ok',
      findings: { categories: [], signals: [], negated_categories: negated },
      flags: { requires_human: false },
      summary: 'No crisis or safety language detected.',
    };
  }
  const worst = signals[0]!;
  const categories = [...new Set(signals.map((s) => s.category))];
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: { categories, signals, negated_categories: negated },
    flags: { requires_human: true, severity: worst.severity, reason: worst.category },
    summary: `Safety concern detected (${worst.category}, ${worst.severity}); a person from the care team should follow up.`,
  };
}
