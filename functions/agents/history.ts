/**
 * history (async) — reference agent: keeps a bounded rolling summary of the conversation in the state
 * (`context.summary`). Each turn adds one line of facts taken from the agents' findings (meals, water,
 * medication, commitments, checkpoint progress, safety escalations) — never raw identifiers, never the
 * user's crisis words. When the turn's findings are not in `dependencies` (an async agent may be invoked
 * with the bare turn input), the reference agents are run here on the redacted text.
 *
 * `summarize` is pure; the Lambda handler persists the result through the ConversationStore.
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { okDependency, redactedText } from './input.js';
import * as checklist from './checklist.js';
import * as followup from './followup.js';
import * as humanIntervention from './human-intervention.js';
import * as medication from './medication.js';
import * as nutrition from './nutrition.js';
import { joinList, tokenize } from './text.js';
import type { Meal } from './nutrition.js';
import type { MedicationMention } from './medication.js';
import type { FollowupItem } from './followup.js';

export const AGENT_NAME = 'history';

/** The summary never grows beyond this many characters; the oldest lines are dropped first. */
export const MAX_SUMMARY_CHARS = 1500;
/** A turn line never grows beyond this. */
const MAX_LINE_CHARS = 300;
/** Words of the redacted text kept when the agents found nothing. */
const GIST_WORDS = 12;

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The findings this turn's line is built from: dependencies when present, otherwise computed here. */
function turnFindings(request: AgentRequest): Record<string, AgentOutput> {
  const text = redactedText(request);
  const withPrivacy: AgentRequest = {
    ...request,
    dependencies: {
      ...request.dependencies,
      privacy: okDependency(request, 'privacy') ?? { agent: 'privacy', status: 'ok', findings: {}, flags: {}, redacted_text: text },
    },
  };
  const get = (name: string, run: (r: AgentRequest) => AgentOutput) => okDependency(request, name) ?? run(withPrivacy);
  const fu = get('followup', followup.run);
  return {
    human_intervention: get('human_intervention', humanIntervention.run),
    followup: fu,
    nutrition: get('nutrition', (r) => nutrition.run({ ...r, dependencies: { ...r.dependencies, followup: fu } })),
    medication: get('medication', medication.run),
    checklist: get('checklist', checklist.run),
  };
}

/** One line of facts about this turn, e.g. "T3: breakfast (oatmeal); water 500 ml; metformin taken". */
export function turnLine(request: AgentRequest): string {
  const f = turnFindings(request);
  const facts: string[] = [];
  const hi = f['human_intervention']!;
  if (hi.flags.requires_human) facts.push(`escalated to care team (${hi.flags.reason ?? 'safety'})`);
  const meals = asArray<Meal>(f['nutrition']!.findings['meals']);
  const eaten = meals.filter((m) => !m.skipped);
  if (eaten.length > 0) facts.push(`meals: ${eaten.map((m) => (m.foods.length > 0 ? `${m.meal} (${m.foods.slice(0, 4).join(', ')})` : m.meal)).join(', ')}`);
  const skipped = meals.filter((m) => m.skipped);
  if (skipped.length > 0) facts.push(`skipped ${joinList(skipped.map((m) => m.meal))}`);
  const water = f['nutrition']!.findings['water_ml'];
  if (typeof water === 'number' && water > 0) facts.push(`water ${water} ml`);
  const meds = asArray<MedicationMention>(f['medication']!.findings['medications']);
  if (meds.length > 0) facts.push(`meds: ${meds.slice(0, 4).map((m) => `${m.name} ${m.adherence === 'unknown' ? 'mentioned' : m.adherence}`).join(', ')}`);
  const effects = asArray<string>(f['medication']!.findings['side_effects']);
  if (effects.length > 0) facts.push(`side effects: ${effects.slice(0, 4).join(', ')}`);
  const items = asArray<FollowupItem>(f['followup']!.findings['items']);
  const commitments = items.filter((i) => i.kind === 'commitment');
  if (commitments.length > 0) facts.push(`plans: ${commitments.slice(0, 3).map((i) => (i.due ? `${i.text} (${i.due.text})` : i.text)).join('; ')}`);
  const revisit = items.filter((i) => i.kind === 'revisit');
  if (revisit.length > 0) facts.push(`revisit: ${revisit.slice(0, 3).map((i) => i.text).join('; ')}`);
  const cl = f['checklist']!;
  if (cl.flags.checkpoint_complete && cl.flags.checkpoint_id) facts.push(`completed ${cl.flags.checkpoint_id}`);
  if (facts.length === 0 && !hi.flags.requires_human) {
    // Nothing structured: keep a short gist of the redacted text.
    const text = redactedText(request);
    const words = tokenize(text, 2000).slice(0, GIST_WORDS);
    if (words.length > 0) facts.push(`said: "${text.slice(words[0]!.start, words[words.length - 1]!.end).replace(/\s+/g, ' ')}${words.length === GIST_WORDS ? '…' : ''}"`);
  }
  const line = `T${request.context.turn_number}: ${facts.join('; ') || 'no details'}`;
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
}

/**
 * The new rolling summary: the previous one plus this turn's line, oldest lines dropped to stay within
 * MAX_SUMMARY_CHARS. Idempotent per turn: re-running the same turn replaces its line instead of adding one.
 */
export function summarize(previousSummary: string, request: AgentRequest): string {
  const line = turnLine(request);
  const prefix = `T${request.context.turn_number}:`;
  const lines = previousSummary
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith(`${prefix} `) && l !== prefix);
  lines.push(line);
  // Keep the lines in turn order even if an older turn arrives late.
  const turnOf = (l: string) => Number(/^T(\d+):/.exec(l)?.[1] ?? Number.MAX_SAFE_INTEGER);
  lines.sort((a, b) => turnOf(a) - turnOf(b));
  while (lines.length > 1 && lines.join('\n').length > MAX_SUMMARY_CHARS) lines.shift();
  const out = lines.join('\n');
  return out.length > MAX_SUMMARY_CHARS ? out.slice(out.length - MAX_SUMMARY_CHARS) : out;
}

/** Runs the history agent without persisting (the handler persists); summary from request.context.summary. */
export function run(request: AgentRequest): AgentOutput {
  const summary = summarize(request.context.summary, request);
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: { context_summary: summary, summary_chars: summary.length },
    flags: {},
    summary: `Conversation summary updated (${summary.length} characters).`,
  };
}
