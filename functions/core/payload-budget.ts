/**
 * Payload budget of the agent fan-out: Step Functions caps every state's input and output (and the
 * execution's input and output) at 256 KB of UTF-8 JSON. The workflow holds at once: the turn input, every
 * agent's record (an ok output appears twice: in its level record and in the responder's `agent_results`),
 * and the responder's output. So per turn:
 *
 *   input + Σ agents (record overhead + 2 × output) + 2 × redacted text + responder output  ≤  256 KB
 *
 * The orchestrator fits the input (oldest context first) and computes each agent's output budget from what
 * is left; the budget travels in the input as `max_output_bytes`. Every agent output the workflow carries is
 * cut to it where it enters (reference agent handler, HTTP agent invoker) with {@link boundAgentOutput}:
 * findings are dropped first, then free text is shortened; safety flags are never dropped. The privacy
 * agent's `redacted_text` is budgeted separately (it must cover the whole text for the safety screens):
 * longer than {@link redactedTextLimit} of the turn's text, it is an error (privacy then fails closed),
 * never cut. Responder outputs are cut to {@link MAX_RESPONDER_OUTPUT_BYTES}.
 *
 * Pure: no AWS imports. test/integration/workflow/payload-bound.test.ts runs the synthesized workflow with
 * the largest allowed request and maximal outputs and measures every state.
 */
import type { AgentOutput, AgentTurnInput, ResponderOutput } from '../contracts/agent.js';

/** Step Functions' limit on a state's (and the execution's) input and output. */
export const WORKFLOW_PAYLOAD_LIMIT_BYTES = 256 * 1024;
/** Headroom kept under the limit (the workflow's own small fields: mode, timeouts, times, Payload). */
export const WORKFLOW_SLACK_BYTES = 8 * 1024;
/** An agent never gets more than this, however much room there is. */
export const MAX_AGENT_OUTPUT_BYTES = 16 * 1024;
/** ...and never less than this: the input is fitted until it holds. */
export const MIN_AGENT_OUTPUT_BYTES = 2 * 1024;
/** Per-agent budget the input is fitted for before context is dropped. */
export const PREFERRED_AGENT_OUTPUT_BYTES = 8 * 1024;
/** A responder's output (reply ≤ 4000 characters). */
export const MAX_RESPONDER_OUTPUT_BYTES = 16 * 1024;
/**
 * A record's own bytes besides its output (name, status, times). A failed agent's record has no output but
 * an error (Error + Cause, ≤ 4 KB from our functions with the runtime's stack trace): it fits in the room
 * of the two output copies it does not have, as 2 × MIN_AGENT_OUTPUT_BYTES ≥ 4 KB.
 */
export const AGENT_RECORD_OVERHEAD_BYTES = 512;

/** UTF-8 bytes of the JSON text of a value (what Step Functions counts). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** Room the privacy agent's `redacted_text` may take: the text's own JSON bytes plus a quarter for placeholders. */
export function redactedTextLimit(text: string): number {
  return Math.ceil(jsonBytes(text) * 1.25) + 256;
}

/** The budget of one turn: what each agent's output may take, and the fitted input's size. */
export interface TurnPayloadBudget {
  maxOutputBytes: number;
  inputBytes: number;
}

/** Per-agent output budget for an input of `inputBytes` whose text is `text`, with `agents` graph agents. */
export function agentOutputBudget(inputBytes: number, text: string, agents: number): number {
  const n = Math.max(1, agents);
  const fixed = inputBytes + 2 * redactedTextLimit(text) + MAX_RESPONDER_OUTPUT_BYTES + WORKFLOW_SLACK_BYTES + n * AGENT_RECORD_OVERHEAD_BYTES;
  return Math.min(MAX_AGENT_OUTPUT_BYTES, Math.floor((WORKFLOW_PAYLOAD_LIMIT_BYTES - fixed) / (2 * n)));
}

/** The irreducible input is too big for the workflow (only with a registry of very many agents). */
export class PayloadBudgetError extends Error {
  override readonly name = 'PayloadBudgetError';
}

/** `s` shortened by at least `bytesToRemove` JSON bytes, ending in an ellipsis; code points are never split. */
function cutChars(s: string, bytesToRemove: number): string {
  const chars = Array.from(s);
  let removed = 0;
  const need = bytesToRemove + jsonBytes('…') - 2;
  while (chars.length > 0 && removed < need) removed += jsonBytes(chars.pop()) - 2;
  return chars.length === 0 ? '' : `${chars.join('')}…`;
}

/**
 * Fit the turn input so each of `agents` outputs gets at least PREFERRED (or, failing that, MIN) bytes:
 * drop the oldest recent turns, then the summary, then the individual memory, then the look-ahead checkpoints. The user's text, ids and
 * the current checkpoint are kept. Returns the fitted input carrying `max_output_bytes`.
 */
export function fitTurnInput<T extends AgentTurnInput>(input: T, agents: number): T & { max_output_bytes: number } {
  const steps: Array<(i: AgentTurnInput) => AgentTurnInput | undefined> = [
    (i) => (i.context.recent.length > 0 ? { ...i, context: { ...i.context, recent: i.context.recent.slice(1) } } : undefined),
    (i) => (i.context.summary !== '' ? { ...i, context: { ...i.context, summary: '' } } : undefined),
    (i) => {
      if (i.memory === undefined) return undefined;
      const { memory: _, ...rest } = i;
      return rest;
    },
    (i) => (i.task_checkpoints.length > 0 ? { ...i, task_checkpoints: [] } : undefined),
  ];
  let current: AgentTurnInput = input;
  const budgetOf = (i: AgentTurnInput) => agentOutputBudget(jsonBytes({ ...i, max_output_bytes: MAX_AGENT_OUTPUT_BYTES }), i.text, agents);
  for (const target of [PREFERRED_AGENT_OUTPUT_BYTES, MIN_AGENT_OUTPUT_BYTES]) {
    for (const step of steps) {
      while (budgetOf(current) < target) {
        const next = step(current);
        if (!next) break;
        current = next;
      }
    }
    if (budgetOf(current) >= target) break;
  }
  const budget = budgetOf(current);
  if (budget < MIN_AGENT_OUTPUT_BYTES) {
    throw new PayloadBudgetError(
      `the turn input (${jsonBytes(current)} bytes) leaves ${budget} bytes per agent for ${agents} agents; at least ${MIN_AGENT_OUTPUT_BYTES} are needed`,
    );
  }
  return { ...(current as T), max_output_bytes: budget };
}

/** An agent output broke its byte budget in a way that cannot be cut safely (the redacted text). */
export class OutputTooLargeError extends Error {
  override readonly name = 'OutputTooLargeError';
  constructor(
    readonly agent: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Cut an agent output to `maxBytes` (not counting `redacted_text`, which must be within
 * {@link redactedTextLimit} of `text` or the output is rejected). Order: findings → `{ truncated: true }`,
 * then `summary` and `flags.reason` shortened; last resort keeps only agent, status and the safety flags.
 */
export function boundAgentOutput(output: AgentOutput, limits: { maxBytes: number; text: string }): AgentOutput {
  const { redacted_text, ...rest } = output;
  if (redacted_text !== undefined && jsonBytes(redacted_text) > redactedTextLimit(limits.text)) {
    throw new OutputTooLargeError(
      output.agent,
      `agent ${output.agent} returned a redacted_text of ${jsonBytes(redacted_text)} bytes; at most ${redactedTextLimit(limits.text)} for this turn's text`,
    );
  }
  const withText = (o: Omit<AgentOutput, 'redacted_text'>): AgentOutput => (redacted_text === undefined ? (o as AgentOutput) : { ...o, redacted_text });
  if (jsonBytes(rest) <= limits.maxBytes) return output;

  let cut: Omit<AgentOutput, 'redacted_text'> = { ...rest, findings: { truncated: true } };
  let over = jsonBytes(cut) - limits.maxBytes;
  if (over > 0 && cut.summary) {
    cut = { ...cut, summary: cutChars(cut.summary, over) };
    over = jsonBytes(cut) - limits.maxBytes;
  }
  if (over > 0 && cut.flags.reason) {
    cut = { ...cut, flags: { ...cut.flags, reason: cutChars(cut.flags.reason, over) } };
    over = jsonBytes(cut) - limits.maxBytes;
  }
  if (over > 0) {
    const { requires_human, severity } = cut.flags;
    cut = {
      agent: output.agent.slice(0, 64),
      status: output.status,
      findings: { truncated: true },
      flags: { ...(requires_human !== undefined ? { requires_human } : {}), ...(severity ? { severity } : {}) },
    };
  }
  return withText(cut);
}

/** Cut a responder output to {@link MAX_RESPONDER_OUTPUT_BYTES} (the reply shortened; an oversized checkpoint id dropped). */
export function boundResponderOutput(output: ResponderOutput, maxBytes = MAX_RESPONDER_OUTPUT_BYTES): ResponderOutput {
  let out = output;
  if (out.asks_checkpoint_id !== null && out.asks_checkpoint_id.length > 128) out = { ...out, asks_checkpoint_id: null };
  const over = jsonBytes(out) - maxBytes;
  return over > 0 ? { ...out, response: cutChars(out.response, over) || '…' } : out;
}
