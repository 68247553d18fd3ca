/**
 * Output caps (core/payload-budget.ts): what is dropped first, what is never dropped (safety flags, the
 * redacted text), and that a cut output always fits its budget (property).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AgentOutput } from '../../../functions/contracts/agent.js';
import {
  agentOutputBudget,
  boundAgentOutput,
  boundResponderOutput,
  jsonBytes,
  MAX_AGENT_OUTPUT_BYTES,
  MAX_RESPONDER_OUTPUT_BYTES,
  MIN_AGENT_OUTPUT_BYTES,
  OutputTooLargeError,
  redactedTextLimit,
} from '../../../functions/core/payload-budget.js';

const base: AgentOutput = { agent: 'nutrition', status: 'ok', findings: { meals: ['oats'] }, flags: {} };

describe('boundAgentOutput', () => {
  it('an output within budget is returned unchanged', () => {
    expect(boundAgentOutput(base, { maxBytes: 4096, text: 'hi' })).toBe(base);
  });

  it('findings go first; flags and summary stay when that is enough', () => {
    const big = { ...base, findings: { blob: 'x'.repeat(10_000) }, flags: { requires_human: true, severity: 'high' as const, reason: 'fall' }, summary: 'ate oats' };
    const out = boundAgentOutput(big, { maxBytes: 4096, text: 'hi' });
    expect(out).toEqual({ ...big, findings: { truncated: true } });
  });

  it('then the summary, then the reason are shortened (code points intact), never the safety flags', () => {
    const big: AgentOutput = { ...base, findings: { blob: 'x' }, flags: { requires_human: true, severity: 'critical', reason: 'fall' }, summary: '😀'.repeat(1000) };
    const out = boundAgentOutput(big, { maxBytes: 2048, text: 'hi' });
    expect(jsonBytes(out)).toBeLessThanOrEqual(2048);
    expect(jsonBytes(out)).toBeGreaterThan(2000); // cut only as much as needed
    expect(out.flags).toEqual({ requires_human: true, severity: 'critical', reason: 'fall' });
    expect(out.summary!.endsWith('…')).toBe(true);
    expect(out.summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate

    const reasonOnly: AgentOutput = { ...base, flags: { requires_human: true, reason: '😀'.repeat(2000) } };
    const cut = boundAgentOutput(reasonOnly, { maxBytes: 2048, text: 'hi' });
    expect(jsonBytes(cut)).toBeLessThanOrEqual(2048);
    expect(cut.flags.requires_human).toBe(true);
    expect(cut.flags.reason!.endsWith('…')).toBe(true);
  });

  it('the redacted text is not counted in the budget and never cut; over its limit the output is rejected', () => {
    const text = 'call me at 555-0100 please '.repeat(100);
    const ok = { ...base, agent: 'privacy', findings: {}, redacted_text: text.replaceAll('555-0100', '[PHONE]') };
    expect(boundAgentOutput(ok, { maxBytes: MIN_AGENT_OUTPUT_BYTES, text })).toBe(ok);
    const tenMb = { ...ok, redacted_text: 'y'.repeat(10 * 1024 * 1024) };
    expect(() => boundAgentOutput(tenMb, { maxBytes: MAX_AGENT_OUTPUT_BYTES, text })).toThrow(OutputTooLargeError);
    expect(redactedTextLimit(text)).toBeGreaterThan(jsonBytes(text));
  });

  it('property: any output is cut to any budget ≥ the minimum, keeping agent, status and safety flags', () => {
    fc.assert(
      fc.property(
        fc.record({
          findings: fc.dictionary(fc.string(), fc.string({ maxLength: 2000 })),
          summary: fc.option(fc.string({ maxLength: 1000, unit: 'binary' }), { nil: undefined }),
          reason: fc.option(fc.string({ maxLength: 500, unit: 'binary' }), { nil: undefined }),
          requires_human: fc.boolean(),
          severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
          checkpoint_id: fc.option(fc.string({ maxLength: 3000 }), { nil: undefined }),
        }),
        fc.integer({ min: MIN_AGENT_OUTPUT_BYTES, max: MAX_AGENT_OUTPUT_BYTES }),
        (g, maxBytes) => {
          const o: AgentOutput = {
            agent: 'medication',
            status: 'ok',
            findings: g.findings,
            flags: { requires_human: g.requires_human, severity: g.severity, reason: g.reason, checkpoint_id: g.checkpoint_id },
            summary: g.summary,
          };
          const out = boundAgentOutput(o, { maxBytes, text: '' });
          expect(jsonBytes(out)).toBeLessThanOrEqual(maxBytes);
          expect(out.agent).toBe('medication');
          expect(out.flags.requires_human).toBe(g.requires_human);
          expect(out.flags.severity).toBe(g.severity);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('boundResponderOutput and the per-agent budget', () => {
  it('a reply is cut to the responder cap', () => {
    const out = boundResponderOutput({ responder: 'primary', response: '\u0001'.repeat(4000), is_enriched: false, asks_checkpoint_id: 'c'.repeat(500) });
    expect(jsonBytes(out)).toBeLessThanOrEqual(MAX_RESPONDER_OUTPUT_BYTES);
    expect(out.asks_checkpoint_id).toBeNull();
  });

  it('the budget shrinks with the input and the number of agents, capped at the maximum', () => {
    expect(agentOutputBudget(2_000, 'hi', 6)).toBe(MAX_AGENT_OUTPUT_BYTES);
    expect(agentOutputBudget(80_000, 'x'.repeat(8000), 6)).toBeLessThan(agentOutputBudget(20_000, 'x'.repeat(8000), 6));
    expect(agentOutputBudget(20_000, 'x', 30)).toBeLessThan(agentOutputBudget(20_000, 'x', 6));
  });
});
