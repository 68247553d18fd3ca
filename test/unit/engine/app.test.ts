/**
 * One scenario driven through the lead's HTTP application (createOrchestrateHandler) with API Gateway
 * REST proxy events, the same fakes behind it: 200 turns, the Server-Timing header, the escalation hold,
 * operator inspect/resume routes, and the 400/404/409 mapping of the engine's typed errors.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_DETECTED_AGENTS } from '../../../functions/core/routing.js';
import { listPlanIds } from '../../../functions/core/plans.js';
import { guidanceFor } from '../../../functions/core/safety/guidance.js';

/** An agent escalation with a label that is not a crisis category gets the generic configured guidance. */
const HOLDING_REPLY = guidanceFor('unspecified', null, 'en').text;
import { createOrchestrateHandler } from '../../../functions/orchestrate/app.js';
import { checklist, humanFlag } from '../../support/fakes.js';
import { harness } from './harness.js';

const context = {
  functionName: 'orchestrate',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orchestrate',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/orchestrate',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 25_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

function event(method: string, resource: string, path: string, body: unknown, pathParameters: Record<string, string> | null = null): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource,
    body: body === null ? null : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    isBase64Encoded: false,
    pathParameters,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'req-1', identity: { caller: 'operator-1' } } as APIGatewayProxyEvent['requestContext'],
  };
}

const query = (text: string, extra: Record<string, unknown> = {}) => ({
  text,
  conversation_id: 'http-1',
  plan: 'loneliness_support',
  services: ['followup'],
  individual_id: 'ind-1',
  user_profile_id: 'prof-1',
  detected_agent: 'loneliness',
  agent_instance_id: 'inst-1',
  call_log_id: 'call-1',
  ...extra,
});

describe('scenario through the API Gateway handler', () => {
  it('turns, escalation hold, operator resume, and error mapping', async () => {
    const h = harness({}, [
      { agents: { checklist: checklist('lonely_feelings', true) } },
      { agents: { human_intervention: humanFlag('high', 'risk') } },
      { agents: { checklist: checklist('lonely_contacts', true) } },
    ]);
    const handler = createOrchestrateHandler({
      ...h.deps,
      accepted: { plans: listPlanIds(), services: ['privacy', 'nutrition', 'followup', 'medication'], detectedAgents: ACCEPTED_DETECTED_AGENTS },
      maxBodyBytes: 64 * 1024,
    });
    const post = async (body: unknown) => {
      h.clock.advance(1000);
      const res = await handler(event('POST', '/orchestrate', '/orchestrate', body), context);
      return { ...res, json: JSON.parse(res.body) as Record<string, unknown> };
    };

    const r1 = await post(query('I feel alone'));
    expect(r1.statusCode).toBe(200);
    expect(r1.json).toMatchObject({ conversation_id: 'http-1', response: 'reply 1 from loneliness', checkpoint_progress: { lonely_feelings: true }, is_paused: false });
    const timing = Object.entries(r1.headers ?? {}).find(([k]) => k.toLowerCase() === 'server-timing')?.[1];
    expect(String(timing)).toMatch(/state;dur=.*agents;dur=.*persist;dur=.*total;dur=/);

    const r2 = await post(query('I want it to stop'));
    expect(r2.json).toMatchObject({ requires_human: true, is_paused: true, response: HOLDING_REPLY });
    const r3 = await post(query('hello?'));
    expect(r3.json).toMatchObject({ requires_human: true, is_paused: true, response: HOLDING_REPLY, sync_agent_results: {} });
    expect(h.fanout.runs).toHaveLength(2);

    const inspect = await handler(event('GET', '/conversations/{id}', '/conversations/http-1', null, { id: 'http-1' }), context);
    expect(inspect.statusCode).toBe(200);
    expect(JSON.parse(inspect.body)).toMatchObject({ is_paused: true, turn_count: 3 });

    const resume = await handler(
      event('POST', '/conversations/{id}/resume', '/conversations/http-1/resume', { reason: 'talked to them' }, { id: 'http-1' }),
      context,
    );
    expect(resume.statusCode).toBe(200);
    expect(JSON.parse(resume.body).pause_log.at(-1)).toMatchObject({ action: 'resume', by: 'operator-1', reason: 'talked to them' });

    const r4 = await post(query('my son called'));
    expect(r4.json).toMatchObject({ is_paused: false, checkpoint_progress: { lonely_feelings: true, lonely_contacts: true } });

    // error mapping of the engine's typed errors
    const bad = await post(query('x', { plan: 'nope', extra: 1 }));
    expect(bad.statusCode).toBe(400);
    expect((bad.json['details'] as Array<{ field: string }>).map((d) => d.field).sort()).toEqual(['extra', 'plan']);
    const notJson = await post('{oops');
    expect(notJson.statusCode).toBe(400);
    const missing = await handler(event('GET', '/conversations/{id}', '/conversations/nope', null, { id: 'nope' }), context);
    expect(missing.statusCode).toBe(404);
    const notPaused = await handler(event('POST', '/conversations/{id}/resume', '/conversations/http-1/resume', { reason: 'r' }, { id: 'http-1' }), context);
    expect(notPaused.statusCode).toBe(409);
    h.store.beforeCommit = (id) => h.store.concurrentWrite(id);
    const conflict = await post(query('race'));
    expect(conflict.statusCode).toBe(409);
    expect(Object.entries(conflict.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1]).toBe('1');
  });
});
