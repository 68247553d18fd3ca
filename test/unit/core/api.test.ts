import { describe, expect, it } from 'vitest';
import {
  MAX_SERVICES,
  MAX_TEXT_CHARS,
  parseJsonBody,
  parseOrchestratorQuery,
  parseResumeRequest,
  type AcceptedValues,
} from '../../../functions/contracts/api.js';
import { listPlanIds } from '../../../functions/core/plans.js';
import { ACCEPTED_DETECTED_AGENTS } from '../../../functions/core/routing.js';

const accepted: AcceptedValues = {
  plans: listPlanIds(),
  services: ['privacy', 'nutrition', 'followup', 'medication', 'history'],
  detectedAgents: ACCEPTED_DETECTED_AGENTS,
};

const valid = () => ({
  text: 'I had porridge for breakfast',
  conversation_id: 'conv-1',
  plan: 'daily_checkin',
  services: ['privacy', 'nutrition'],
  individual_id: 'ind-1',
  user_profile_id: 'prof-1',
  detected_agent: 'general',
  agent_instance_id: 'inst-1',
  call_log_id: 'call-1',
});

function problems(body: unknown) {
  const r = parseOrchestratorQuery(body, accepted);
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.error).toBeTypeOf('string');
  return r.error.details;
}

describe('parseOrchestratorQuery', () => {
  it('accepts a valid query, with or without channel', () => {
    const r = parseOrchestratorQuery(valid(), accepted);
    expect(r).toEqual({ ok: true, value: valid() });
    expect(parseOrchestratorQuery({ ...valid(), channel: 'sms' }, accepted).ok).toBe(true);
    expect(parseOrchestratorQuery({ ...valid(), channel: null }, accepted).ok).toBe(true);
    expect(parseOrchestratorQuery({ ...valid(), services: [] }, accepted).ok).toBe(true);
  });

  const required = ['text', 'conversation_id', 'plan', 'services', 'individual_id', 'user_profile_id', 'detected_agent', 'agent_instance_id', 'call_log_id'];
  it.each(required)('missing %s → "is required"', (field) => {
    const body: Record<string, unknown> = valid();
    delete body[field];
    expect(problems(body)).toEqual([{ field, problem: 'is required' }]);
  });

  it.each([
    ['text', 42, 'must be a string'],
    ['conversation_id', { id: 1 }, 'must be a string'],
    ['services', 'privacy', 'must be an array'],
    ['plan', null, 'must be a string'],
    ['channel', 7, 'must be a string'],
  ])('wrong type of %s', (field, value, problem) => {
    expect(problems({ ...valid(), [field]: value })).toEqual([{ field, problem }]);
  });

  it('wrong type inside services names the index', () => {
    expect(problems({ ...valid(), services: ['privacy', 3] })).toEqual([{ field: 'services[1]', problem: 'must be a string' }]);
  });

  it('text too long, empty or blank', () => {
    expect(problems({ ...valid(), text: 'x'.repeat(MAX_TEXT_CHARS + 1) })).toEqual([{ field: 'text', problem: `must be at most ${MAX_TEXT_CHARS} characters` }]);
    expect(problems({ ...valid(), text: '' })).toEqual([{ field: 'text', problem: 'must not be empty' }]);
    expect(problems({ ...valid(), text: '   ' })).toEqual([{ field: 'text', problem: 'must not be blank' }]);
    expect(parseOrchestratorQuery({ ...valid(), text: 'x'.repeat(MAX_TEXT_CHARS) }, accepted).ok).toBe(true);
  });

  it.each(['individual_id', 'user_profile_id', 'agent_instance_id', 'call_log_id', 'conversation_id'])('bad id format of %s', (field) => {
    for (const bad of ['has space', 'x'.repeat(129), '', 'slash/id', 'ünïcode']) {
      const d = problems({ ...valid(), [field]: bad });
      expect(d).toHaveLength(1);
      expect(d[0]!.field).toBe(field);
      expect(d[0]!.problem).toMatch(/1-128 characters/);
    }
  });

  it('bad channel format', () => {
    expect(problems({ ...valid(), channel: 'no spaces please' })[0]!.field).toBe('channel');
  });

  it('unknown fields are rejected, one detail each', () => {
    expect(problems({ ...valid(), conversationId: 'x', extra: 1 })).toEqual([
      { field: 'conversationId', problem: 'unknown field' },
      { field: 'extra', problem: 'unknown field' },
    ]);
  });

  it('unknown plan lists the accepted plans', () => {
    const [d] = problems({ ...valid(), plan: 'keto_plan' });
    expect(d!.field).toBe('plan');
    expect(d!.problem).toBe(`unknown plan 'keto_plan'; accepted: ${listPlanIds().join(', ')}`);
  });

  it('unknown service entry names its index and lists the accepted services', () => {
    expect(problems({ ...valid(), services: ['privacy', 'astrology'] })).toEqual([
      { field: 'services[1]', problem: "unknown service 'astrology'; accepted: privacy, nutrition, followup, medication, history" },
    ]);
  });

  it('unknown detected_agent lists the accepted values', () => {
    expect(problems({ ...valid(), detected_agent: 'pirate' })).toEqual([
      { field: 'detected_agent', problem: "unknown detected_agent 'pirate'; accepted: general, loneliness, accountability, therapy" },
    ]);
  });

  it('duplicate services are rejected', () => {
    expect(problems({ ...valid(), services: ['privacy', 'nutrition', 'privacy'] })).toEqual([{ field: 'services[2]', problem: 'duplicate of services[0]' }]);
  });

  it('too many services', () => {
    const d = problems({ ...valid(), services: Array.from({ length: MAX_SERVICES + 1 }, (_, i) => `s${i}`) });
    expect(d.find((x) => x.field === 'services')?.problem).toBe(`must list at most ${MAX_SERVICES} services`);
  });

  it('reports every bad field at once', () => {
    const d = problems({ ...valid(), text: 5, plan: 'nope', detected_agent: 'nope', extra: true, call_log_id: undefined });
    expect(d.map((x) => x.field).sort()).toEqual(['call_log_id', 'detected_agent', 'extra', 'plan', 'text']);
  });

  it('a body that is not an object', () => {
    for (const body of [null, [], 'text', 3]) expect(problems(body)).toEqual([{ field: '(body)', problem: 'body must be a JSON object' }]);
  });
});

describe('parseJsonBody', () => {
  it.each([
    [null, 'body is required: a JSON object'],
    ['', 'body is required: a JSON object'],
    ['{"text": ', 'body is not valid JSON'],
    ['not json', 'body is not valid JSON'],
    ['[1,2]', 'body must be a JSON object, got an array'],
    ['"hi"', 'body must be a JSON object, got string'],
    ['null', 'body must be a JSON object, got null'],
  ])('%j → 400 naming (body)', (raw, problem) => {
    expect(parseJsonBody(raw)).toEqual({ ok: false, error: { error: 'invalid request body', details: [{ field: '(body)', problem }] } });
  });

  it('parses an object', () => {
    expect(parseJsonBody('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});

describe('parseResumeRequest', () => {
  it('accepts a reason, rejects missing, empty, too long and unknown fields', () => {
    expect(parseResumeRequest({ reason: 'spoke to the person' })).toEqual({ ok: true, value: { reason: 'spoke to the person' } });
    expect(parseResumeRequest({})).toEqual({ ok: false, error: { error: 'invalid request', details: [{ field: 'reason', problem: 'is required' }] } });
    expect(parseResumeRequest({ reason: ' ' })).toMatchObject({ ok: false, error: { details: [{ field: 'reason', problem: 'must not be empty' }] } });
    expect(parseResumeRequest({ reason: 'x'.repeat(501) })).toMatchObject({ ok: false, error: { details: [{ field: 'reason' }] } });
    expect(parseResumeRequest({ reason: 'ok', by: 'me' })).toMatchObject({ ok: false, error: { details: [{ field: 'by', problem: 'unknown field' }] } });
  });
});
