/**
 * Replies of escalating turns per category carry the configured guidance (config/safety/guidance.json);
 * a responder reply that already carries it is kept; held turns repeat it; the event never carries text.
 */
import { describe, expect, it } from 'vitest';
import type { AgentResult } from '../../../functions/contracts/agent.js';
import { applyFanoutResult, applyHoldingTurn } from '../../../functions/core/turn-engine.js';
import { beginTurn } from '../../../functions/core/task-stack.js';
import { GUIDANCE_CONFIG, carriesGuidance, guidanceFor } from '../../../functions/core/safety/guidance.js';
import { assessTurn } from '../../../functions/core/safety/turn-safety.js';
import { buildEscalationEvent } from '../../../functions/core/safety/escalation-event.js';
import { degradedAgents } from '../../../functions/core/safety/degraded.js';
import { redact } from '../../../functions/core/safety/identifiers.js';
import { redact as privacyRedact } from '../../../functions/agents/privacy.js';
import type { FanoutResult } from '../../../functions/core/ports.js';
import { FixedClock, makeQuery } from '../../support/fakes.js';
import { newConversation } from '../../../functions/core/state.js';

const T0 = new FixedClock().now();
const fanout = (agents: AgentResult[] = [], response = 'Great, what did you have for breakfast?'): FanoutResult => ({
  agents: Object.fromEntries(agents.map((a) => [a.agent, a])),
  responder: { name: 'primary', status: 'ok', latency_ms: 5, output: { responder: 'primary', response, is_enriched: false, asks_checkpoint_id: null } },
  duration_ms: 10,
});
const failed = (agent: string, status: AgentResult['status'] = 'error'): AgentResult => ({ agent, status, latency_ms: null });

function escalatingTurn(text: string, agents: AgentResult[] = [failed('human_intervention')], response?: string) {
  const query = makeQuery({ text });
  const state = beginTurn(newConversation(query, [], T0));
  return applyFanoutResult(state, { query, fanout: fanout(agents, response), now: T0 });
}

describe('guidance replies per category', () => {
  it.each([
    ['I want to kill myself', 'suicidal_intent', 'en', ['988', '911']],
    ['I keep cutting myself', 'self_harm', 'en', ['988']],
    ['I took a handful of pills', 'overdose', 'en', ['911']],
    ['my husband hits me', 'abuse', 'en', ['1-800-799-7233']],
    ['I think I am having a stroke', 'medical_emergency', 'en', ['911']],
    ['quiero morirme, no aguanto más', 'suicidal_intent', 'es', ['988']],
    ['mi esposo me pega', 'abuse', 'es', ['1-800-799-7233']],
    ['no puedo respirar', 'medical_emergency', 'es', ['911']],
  ] as const)('%s → %s guidance (%s)', (text, category, lang, markers) => {
    const r = escalatingTurn(text);
    expect(r.state.is_paused).toBe(true);
    expect(r.safety).toMatchObject({ escalate: true, category, source: 'floor', agent_status: 'error' });
    for (const m of markers) expect(r.reply).toContain(m);
    expect(r.reply).toBe(guidanceFor(category, r.safety.severity, lang).text);
    expect(r.reply).not.toContain('breakfast');
  });

  it('the configured text is used, not a built-in one (every region/language/category has its markers in its text)', () => {
    for (const region of Object.values(GUIDANCE_CONFIG.regions)) {
      for (const lang of [region.en, region.es]) {
        for (const entry of Object.values(lang)) {
          for (const m of entry.required) expect(entry.text).toContain(m);
        }
      }
    }
  });

  it('a responder reply that already carries the guidance is kept; one that does not is replaced', () => {
    const own = 'I hear you, and I am so sorry. Please call or text 988 right now, or 911 if you are in danger. A nurse will call you.';
    expect(escalatingTurn('I want to kill myself', [failed('human_intervention')], own).reply).toBe(own);
    expect(escalatingTurn('I want to kill myself', [failed('human_intervention')], 'Please call 911.').reply).toContain('988');
    expect(carriesGuidance('call or text 9 8 8', 'suicidal_intent', 'high')).toBe(true);
  });

  it('the floor and the agent: the more severe wins; a garbage or failing agent never lowers it', () => {
    const agentSaysNo: AgentResult = { agent: 'human_intervention', status: 'ok', latency_ms: 1, output: { agent: 'human_intervention', status: 'ok', findings: {}, flags: { requires_human: false } } };
    expect(assessTurn('I want to end my life', { human_intervention: agentSaysNo })).toMatchObject({ escalate: true, severity: 'critical', source: 'floor' });
    for (const status of ['error', 'timeout', 'circuit_open', 'skipped'] as const) {
      expect(assessTurn('I want to end my life', { human_intervention: failed('human_intervention', status) }).escalate).toBe(true);
    }
    const agentSaysCritical: AgentResult = { agent: 'human_intervention', status: 'ok', latency_ms: 1, output: { agent: 'human_intervention', status: 'ok', findings: {}, flags: { requires_human: true, severity: 'critical', reason: 'abuse' } } };
    expect(assessTurn('I feel a bit down', { human_intervention: agentSaysCritical })).toMatchObject({ escalate: true, category: 'abuse', source: 'agent' });
    expect(assessTurn('I had oatmeal', { human_intervention: failed('human_intervention') }).escalate).toBe(false);
  });

  it('held turns: re-screened, severity increases recorded in the pause log, guidance repeated, text redacted', () => {
    const first = escalatingTurn('I just want to die');
    expect(first.safety.severity).toBe('high');
    const query = makeQuery({ text: 'I swallowed all my pills, call me at 415-555-0134' });
    const held = applyHoldingTurn(first.state, { query, now: T0 + 1000 });
    expect(held.safety).toMatchObject({ raised: true, severity: 'critical', category: 'overdose', previous_severity: 'high' });
    expect(held.state.pause_log.map((p) => p.reason)).toEqual(['high: suicidal_intent', 'critical: overdose']);
    expect(held.reply).toContain('911');
    expect(held.reply).toContain('988');
    expect(JSON.stringify(held.state)).not.toContain('415-555-0134');
    const calm = applyHoldingTurn(held.state, { query: makeQuery({ text: 'ok thanks' }), now: T0 + 2000 });
    expect(calm.safety.raised).toBe(false);
    expect(calm.state.pause_log).toHaveLength(2);
    expect(calm.reply).toContain('911');
  });

  it('privacy fails closed: a failed privacy agent still stores redacted text only', () => {
    const r = escalatingTurn('my email is ana@example.com, SSN 123-45-6789, I feel fine', [failed('privacy'), failed('human_intervention')]);
    expect(JSON.stringify(r.state)).not.toMatch(/ana@example\.com|123-45-6789/);
    expect(r.state.context.recent[0]!.user).toContain('[EMAIL]');
  });

  it('one identifier implementation: the privacy agent and the floor redact identically', () => {
    const text = 'Call 415-555-0134 or mail me at a.b@example.org; I live at 12 Main Street; DOB 01/02/1950';
    expect(redact(text)).toEqual(privacyRedact(text));
  });

  it('the escalation event carries ids, category, severity and times — never text', () => {
    const r = escalatingTurn('I want to kill myself tonight, my email is ana@example.com');
    const event = buildEscalationEvent({
      decision: r.safety,
      previousSeverity: null,
      ids: makeQuery(),
      turn: 1,
      version: 1,
      escalatedAt: T0,
      requestReceivedAt: T0 - 5,
    })!;
    expect(event).toMatchObject({ source: 'polaris.orchestrator', detailType: 'HumanEscalationRequested', detail: { kind: 'escalation', category: 'suicidal_intent', severity: 'critical' } });
    expect(JSON.stringify(event)).not.toMatch(/kill|tonight|ana@/);
  });

  it('degraded: failed, timed-out and circuit-open agents and a failed responder are named', () => {
    const f = fanout([failed('privacy'), failed('checklist', 'timeout'), failed('human_intervention', 'circuit_open'), failed('medication', 'skipped')]);
    expect(degradedAgents(f)).toEqual(['privacy', 'checklist', 'human_intervention']);
    expect(degradedAgents({ ...f, agents: {}, responder: { name: 'primary', status: 'error', latency_ms: null } })).toEqual(['primary']);
    expect(degradedAgents(null)).toEqual([]);
  });
});
