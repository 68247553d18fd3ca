/**
 * The safety decisions of one turn, called by the turn engine (core/turn-engine.ts) with a few lines:
 *
 *   - assessTurn: the built-in crisis screen (always) and the configured human_intervention agent (when it
 *     answered usably); the outcome is the more severe of the two. A failing, timed-out, circuit-open,
 *     skipped or garbage-returning agent never lowers it — it only marks the turn degraded.
 *   - assessHeldTurn: a turn on a paused conversation is re-screened; a severity above the one the
 *     conversation was paused with raises it (the pause log records the increase).
 *   - safeUserText: what may be stored of the user's text — always through the built-in redaction floor
 *     (the same identifier patterns as the reference privacy agent), on top of the privacy agent's redaction
 *     when it ran, so a failed, skipped or sloppy privacy agent never lets a raw identifier into state,
 *     summaries, payloads or dead letters.
 *   - safetyReply: the reply an escalating or held turn gives (guidance.ts).
 */
import type { AgentResult } from '../../contracts/agent.js';
import { detectLanguage, type Language } from '../language.js';
import type { PauseRecord } from '../state.js';
import { composeSafetyReply, type GuidanceCategory } from './guidance.js';
import { redact } from './identifiers.js';
import { screenText, type ScreenResult } from './screen.js';
import { isCrisisCategory, maxSeverity, SEVERITIES, SEVERITY_RANK, type Severity } from './types.js';

/** The agent whose `requires_human` flag the floor is combined with. */
export const HUMAN_INTERVENTION = 'human_intervention';
/** The agent whose `redacted_text` is the first redaction pass. */
export const PRIVACY = 'privacy';
/** `by` of pause records written by the floor. */
export const SAFETY_FLOOR = 'safety-floor';

/** The safety outcome of a turn. */
export interface SafetyDecision {
  escalate: boolean;
  /** Most severe category (unspecified: the agent escalated without a known category). */
  category: GuidanceCategory | null;
  severity: Severity | null;
  /** Every category concerned, most severe first (for the guidance). */
  categories: GuidanceCategory[];
  /** Who asked for a person: the floor, the agent, or both. */
  source: 'floor' | 'agent' | 'both' | null;
  /** How the human_intervention agent answered this turn ('absent' when it did not run at all). */
  agent_status: AgentResult['status'] | 'absent' | 'unusable';
  /** For held turns: the severity rose above the one the conversation was paused with. */
  raised?: boolean;
  /** The pause-log label: the category, or the agent's own short reason label when the agent decided. */
  label?: string;
  /** For held turns: the severity the conversation was paused with before this turn. */
  previous_severity?: Severity | null;
}

/** What the floor screen returned, reduced to categories (no words). */
function floorPart(screen: ScreenResult): { severity: Severity | null; categories: GuidanceCategory[] } {
  return { severity: screen.severity, categories: [...new Set(screen.signals.map((s) => s.category))] };
}

/** The agent's verdict when it is usable: ok, a boolean requires_human, a known severity. */
function agentPart(result: AgentResult | undefined): {
  status: SafetyDecision['agent_status'];
  severity: Severity | null;
  category: GuidanceCategory | null;
  label?: string;
} {
  if (result === undefined) return { status: 'absent', severity: null, category: null };
  if (result.status !== 'ok' || result.output === undefined) return { status: result.status, severity: null, category: null };
  const flags = result.output.flags;
  if (typeof flags.requires_human !== 'boolean') return { status: 'unusable', severity: null, category: null };
  if (!flags.requires_human) return { status: 'ok', severity: null, category: null };
  const reason = flags.reason;
  const listed = (result.output.findings as { categories?: unknown }).categories;
  const category: GuidanceCategory = isCrisisCategory(reason)
    ? reason
    : Array.isArray(listed) && isCrisisCategory(listed[0])
      ? listed[0]
      : 'unspecified';
  // A short label of letters (a category name by contract) is kept for the pause log; anything else is not.
  const label = typeof reason === 'string' && REASON_LABEL.test(reason) ? reason.trim() : category;
  // An escalation without a severity is taken as high: the agent asked for a person.
  return { status: 'ok', severity: flags.severity ?? 'high', category, label };
}

const REASON_LABEL = /^[A-Za-z][A-Za-z _-]{0,39}$/;

/** The turn's safety outcome: floor screen ∨ human_intervention agent, the more severe wins. */
export function assessTurn(text: string, agents: Readonly<Record<string, AgentResult>>): SafetyDecision {
  const floor = floorPart(screenText(text));
  const agent = agentPart(agents[HUMAN_INTERVENTION]);
  const severity = maxSeverity(floor.severity, agent.severity);
  if (severity === null) {
    return { escalate: false, category: null, severity: null, categories: [], source: null, agent_status: agent.status };
  }
  const floorFirst = floor.severity !== null && (agent.severity === null || SEVERITY_RANK[floor.severity] >= SEVERITY_RANK[agent.severity]);
  const categories: GuidanceCategory[] = floorFirst
    ? [...floor.categories, ...(agent.category !== null ? [agent.category] : [])]
    : [agent.category!, ...floor.categories];
  const known = [...new Set(categories)].filter((c, _, all) => c !== 'unspecified' || all.length === 1);
  return {
    escalate: true,
    category: known[0]!,
    severity,
    categories: known,
    source: floor.severity !== null && agent.severity !== null ? 'both' : floor.severity !== null ? 'floor' : 'agent',
    agent_status: agent.status,
    label: floorFirst ? known[0]! : (agent.label ?? known[0]!),
  };
}

const PAUSE_REASON = new RegExp(`^(${SEVERITIES.join('|')}): ([A-Za-z _-]+)`);

/** Severity and category the conversation is paused with: the most severe pause since the last resume. */
export function pausedWith(log: readonly PauseRecord[]): { severity: Severity | null; category: GuidanceCategory | null } {
  let severity: Severity | null = null;
  let category: GuidanceCategory | null = null;
  for (let i = log.length - 1; i >= 0; i -= 1) {
    const record = log[i]!;
    if (record.action === 'resume') break;
    const m = PAUSE_REASON.exec(record.reason);
    if (!m) continue;
    const s = m[1] as Severity;
    if (severity === null || SEVERITY_RANK[s] > SEVERITY_RANK[severity]) {
      severity = s;
      const label = m[2]!.trim();
      category = isCrisisCategory(label) ? label : 'unspecified';
    }
  }
  return { severity, category };
}

/** The pause-log reason of a decision: "<severity>: <category or agent label>" — never the user's words. */
export function pauseReason(decision: SafetyDecision): string {
  return `${decision.severity ?? 'high'}: ${decision.label ?? decision.category ?? 'unspecified'}`;
}

/**
 * A held turn (conversation paused): re-screen the text. `raised` when its severity is above the paused one;
 * the categories for the reply are the new ones first, then the one the conversation was paused with.
 */
export function assessHeldTurn(text: string, pauseLog: readonly PauseRecord[]): SafetyDecision {
  const floor = floorPart(screenText(text));
  const paused = pausedWith(pauseLog);
  const raised =
    floor.severity !== null && (paused.severity === null || SEVERITY_RANK[floor.severity] > SEVERITY_RANK[paused.severity]);
  const categories = [...new Set([...floor.categories, ...(paused.category !== null ? [paused.category] : [])])];
  return {
    escalate: raised,
    category: categories[0] ?? 'unspecified',
    severity: maxSeverity(floor.severity, paused.severity),
    categories: categories.length > 0 ? categories : ['unspecified'],
    source: raised ? 'floor' : null,
    agent_status: 'absent',
    raised,
    previous_severity: paused.severity,
  };
}

/** The user's text as it may be stored: privacy agent's redaction (if usable), then the redaction floor. */
export function safeUserText(text: string, agents: Readonly<Record<string, AgentResult>>): string {
  const privacy = agents[PRIVACY];
  const redacted = privacy?.status === 'ok' ? privacy.output?.redacted_text : undefined;
  return redact(typeof redacted === 'string' ? redacted : text).text;
}

/** The language a safety reply is given in (the turn's text decides; English when it carries no signal). */
export function replyLanguage(text: string, previous?: Language): Language {
  return detectLanguage(text, previous);
}

/** The reply of an escalating or held turn (keeps a responder reply that already carries the guidance). */
export function safetyReply(
  decision: SafetyDecision,
  text: string,
  options: { responderReply?: string | undefined; region?: string | undefined } = {},
): { reply: string; kept_responder_reply: boolean } {
  return composeSafetyReply({
    categories: decision.categories,
    severity: decision.severity,
    language: replyLanguage(text),
    responderReply: options.responderReply,
    region: options.region,
  });
}
