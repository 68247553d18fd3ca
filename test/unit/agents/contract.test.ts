/**
 * Every reference agent's and responder's REAL output goes through the schemas the orchestrator parses
 * results with (AgentOutputSchema, ResponderOutputSchema) — for ordinary, tricky, empty and huge turns.
 */
import { describe, expect, it } from 'vitest';
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../../../functions/agents/index.js';
import {
  AgentOutputSchema,
  AgentResultSchema,
  ResponderOutputSchema,
  ResponderNameSchema,
  type ResponderName,
} from '../../../functions/contracts/agent.js';
import { agentRequest, checkpoint, longText, responderRequest, runAgents } from './requests.js';

const TEXTS: Record<string, string> = {
  ordinary: 'For breakfast I had oatmeal, I took my metformin 500 mg and I will walk tomorrow at 5pm.',
  identifiers: 'Email me at a.b@example.com or call +1 (555) 123-4567; DOB 01/02/1960; card 4111 1111 1111 1111.',
  crisis: 'I have chest pain and I want to end my life',
  negated: "I'm not suicidal and no chest pain",
  mixed: 'Desayuné huevos, me tomé la insulina and voy a caminar mañana',
  empty: '',
  long: longText('Email late@example.com'),
};

const CP = checkpoint('checkin_meals', { agent_finding: { agent: 'nutrition', key: 'meals' }, keywords_any: ['oatmeal', 'eggs'] });
const NEXT = checkpoint('checkin_plan', { agent_finding: { agent: 'followup', key: 'commitments' } });

describe('reference agents honour AgentOutputSchema', () => {
  const agents = Object.keys(REFERENCE_AGENTS);
  it('the registry has every reference agent of the architecture', () => {
    expect(agents.sort()).toEqual(['checklist', 'followup', 'history', 'human_intervention', 'medication', 'nutrition', 'privacy']);
  });

  for (const agent of agents) {
    it.each(Object.entries(TEXTS))(`${agent}: %s`, (_name, text) => {
      const deps = runAgents(text, { checkpoint: CP, task_checkpoints: [CP, NEXT] });
      delete deps[agent];
      const out = REFERENCE_AGENTS[agent]!(agentRequest(agent, text, { checkpoint: CP, task_checkpoints: [CP, NEXT], dependencies: deps }));
      const parsed = AgentOutputSchema.safeParse(out);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(out.agent).toBe(agent);
      expect(out.status).toBe('ok');
      // JSON-safe: what a Lambda or HTTP agent would send survives a round trip unchanged.
      expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      // As the orchestrator reports it.
      expect(AgentResultSchema.safeParse({ agent, status: 'ok', latency_ms: 1, output: out }).success).toBe(true);
      // Only privacy returns redacted_text; no agent leaks the raw identifiers of the "identifiers" turn.
      if (agent !== 'privacy') expect(out.redacted_text).toBeUndefined();
      if (_name === 'identifiers' || _name === 'long') {
        const json = JSON.stringify({ ...out, redacted_text: undefined });
        for (const raw of ['a.b@example.com', '123-4567', '01/02/1960', '4111 1111', 'late@example.com']) expect(json).not.toContain(raw);
      }
    });
  }
});

describe('reference responders honour ResponderOutputSchema', () => {
  const names = ResponderNameSchema.options as ResponderName[];
  it('the registry has every responder of the contract', () => {
    expect(Object.keys(REFERENCE_RESPONDERS).sort()).toEqual([...names].sort());
  });

  for (const responder of names) {
    it.each(Object.entries(TEXTS))(`${responder}: %s`, (_name, text) => {
      const opts = { checkpoint: CP, task_checkpoints: [CP, NEXT], turn: 2 };
      const out = REFERENCE_RESPONDERS[responder](responderRequest(responder, text, runAgents(text, opts), opts));
      const parsed = ResponderOutputSchema.safeParse(out);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(out.responder).toBe(responder);
      expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      if (out.asks_checkpoint_id !== null) expect(['checkin_meals', 'checkin_plan']).toContain(out.asks_checkpoint_id);
      for (const raw of ['a.b@example.com', '123-4567', '4111 1111', 'late@example.com']) expect(out.response).not.toContain(raw);
    });
  }

  it('responders work with no agent results at all (every agent failed)', () => {
    for (const responder of names) {
      const out = REFERENCE_RESPONDERS[responder](responderRequest(responder, 'hello', {}, { checkpoint: CP, task_checkpoints: [CP, NEXT] }));
      expect(ResponderOutputSchema.safeParse(out).success).toBe(true);
      expect(out.asks_checkpoint_id).toBe('checkin_meals');
    }
  });
});
