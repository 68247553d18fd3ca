/**
 * checklist — reference agent: the typed answers of a turn. For every checkpoint of the stack it reports the
 * value the turn gives (`findings.values`, checkpoint_id → typed value), the facts volunteered by slot key
 * (`findings.noted`), a refusal of the checkpoint being asked (`findings.declined`) and whether the patient
 * wants to stop (`findings.intent: 'stop'`); `flags.checkpoint_complete` still answers for the current one.
 * Checkpoints without a typed slot (legacy) are judged by their completion criteria against the turn
 * (the redacted text when privacy ran). All present rules must hold:
 * - keywords_any: one of the words/phrases appears (case- and accent-insensitive, whole words; a negated
 *   mention still counts, it answers the question);
 * - keywords_all: every one appears;
 * - agent_finding {agent, key}: that agent ran this turn (a dependency) and findings[key] is non-empty /
 *   non-zero / true;
 * - min_words: the turn has at least that many words.
 * A checkpoint with no rules is complete on any non-empty answer.
 *
 * `flags.checkpoint_id` names the evaluated checkpoint, so a late result never completes another one.
 * No checkpoint → ok with checkpoint_complete false.
 */
import type { AgentOutput, AgentRequest, CompletionCriteria } from '../contracts/agent.js';
import { okDependency, redactedText } from './input.js';
import { askingAboutMedication } from './medication.js';
import { sentimentOf } from './nlp.js';
import { extractSlots, turnFacts } from './slot-extract.js';
import { Lexicon, tokenize, type Token } from './text.js';

export const AGENT_NAME = 'checklist';

/** One rule and whether it held. `detail` names what matched (keywords, agent.key), never user text. */
export interface RuleResult {
  rule: 'keywords_any' | 'keywords_all' | 'agent_finding' | 'min_words' | 'any_answer';
  met: boolean;
  detail?: string;
}

/** True when a finding value counts as "found": non-empty array/string/object, non-zero number, true. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function keywordsFound(tokens: readonly Token[], keywords: readonly string[]): Set<string> {
  const lex = new Lexicon<string>(keywords.map((k) => [k, k] as const));
  // Negation is deliberately ignored: "I didn't sleep well" and "no water today" ANSWER "How did you sleep?"
  // and "How much water have you had?".
  return new Set(lex.scan(tokens).map((m) => m.value));
}

/** Evaluates criteria against text and dependency outputs. */
export function evaluate(
  criteria: CompletionCriteria,
  text: string,
  dependencies: AgentRequest['dependencies'],
): { complete: boolean; rules: RuleResult[] } {
  const tokens = tokenize(text);
  const rules: RuleResult[] = [];
  if (criteria.keywords_any && criteria.keywords_any.length > 0) {
    const found = keywordsFound(tokens, criteria.keywords_any);
    rules.push({ rule: 'keywords_any', met: found.size > 0, detail: [...found].join(', ') || undefined });
  }
  if (criteria.keywords_all && criteria.keywords_all.length > 0) {
    const found = keywordsFound(tokens, criteria.keywords_all);
    const missing = criteria.keywords_all.filter((k) => !found.has(k));
    rules.push({
      rule: 'keywords_all',
      met: missing.length === 0,
      detail: missing.length === 0 ? criteria.keywords_all.join(', ') : `missing: ${missing.join(', ')}`,
    });
  }
  if (criteria.agent_finding) {
    const { agent, key } = criteria.agent_finding;
    const dep = okDependency({ dependencies }, agent);
    rules.push({
      rule: 'agent_finding',
      met: dep !== undefined && isPresent(dep.findings[key]),
      detail: dep === undefined ? `${agent} did not run` : `${agent}.${key}`,
    });
  }
  if (criteria.min_words !== undefined) {
    rules.push({ rule: 'min_words', met: tokens.length >= criteria.min_words, detail: `${criteria.min_words}` });
  }
  if (rules.length === 0) rules.push({ rule: 'any_answer', met: tokens.length > 0 });
  for (const r of rules) if (r.detail === undefined) delete r.detail;
  return { complete: rules.every((r) => r.met), rules };
}

/** Runs the checklist agent over one turn: typed values for every checkpoint of the stack (./slot-extract.ts). */
export function run(request: AgentRequest): AgentOutput {
  const checkpoint = request.checkpoint;
  const text = redactedText(request);
  const facts = turnFacts(text, request.dependencies, askingAboutMedication(request));
  const stack = request.stack_checkpoints ?? (request.task_checkpoints.length > 0 ? request.task_checkpoints : checkpoint ? [checkpoint] : []);
  const currentId = checkpoint && (checkpoint.status === 'in_progress' || checkpoint.status === 'pending') ? checkpoint.checkpoint_id : null;
  const extraction = extractSlots(stack, currentId, facts, request.dependencies, evaluate, request.resumed === true);
  const sentiment = sentimentOf(facts.tokens).polarity;
  const base = { values: extraction.values, noted: extraction.noted, declined: extraction.declined, intent: extraction.intent, sentiment };
  if (!checkpoint) {
    return {
      agent: AGENT_NAME,
      status: 'ok',
      findings: { ...base, matched: [], unmet: [], evaluated: false },
      flags: { checkpoint_complete: false },
      summary: 'No current checkpoint to evaluate.',
    };
  }
  // A checkpoint without a typed slot (a legacy one) is judged by its keyword / finding criteria.
  const legacy = checkpoint.slot === undefined ? evaluate(checkpoint.criteria, text, request.dependencies) : null;
  const complete = extraction.values[checkpoint.checkpoint_id] !== undefined || legacy?.complete === true;
  const filled = Object.keys(extraction.values).length;
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: {
      ...base,
      evaluated: true,
      checkpoint_id: checkpoint.checkpoint_id,
      matched: legacy?.rules.filter((r) => r.met) ?? [],
      unmet: legacy?.rules.filter((r) => !r.met) ?? [],
    },
    flags: { checkpoint_complete: complete, checkpoint_id: checkpoint.checkpoint_id },
    summary: `${complete ? `Checkpoint ${checkpoint.checkpoint_id} answered` : `Checkpoint ${checkpoint.checkpoint_id} not answered yet`}; ${filled} value${filled === 1 ? '' : 's'} found${extraction.intent === 'stop' ? '; the patient wants to stop' : ''}${extraction.declined.length > 0 ? '; declined' : ''}.`,
  };
}
