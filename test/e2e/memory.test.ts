/**
 * Memory across conversations over the offline stack (issue #16): a daily check-in with a commitment and a
 * medication; after the async work (the memory writer) an accountability and a medication conversation of
 * the same individual open with them; another individual's do not. Operators see the memory when they
 * inspect a conversation. (MEMORY_URL against a local service, failing included: test/integration/memory.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local/stack.js';
import { signedFetch } from '../../local/client.js';
import { startTestStack, turnBody } from '../support/local-stack.js';

async function turn(stack: LocalStack, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, any> }> {
  const res = await signedFetch(`${stack.apiUrl}/orchestrate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(turnBody(body)) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

const CHECKIN = ['I feel pretty good today', 'Oatmeal for breakfast and I took my metformin. I will walk around the lake after dinner'];

async function dailyCheckin(stack: LocalStack, individual: string, conversation: string): Promise<void> {
  for (const [i, text] of CHECKIN.entries()) {
    const r = await turn(stack, { individual_id: individual, conversation_id: conversation, call_log_id: `${conversation}-${i}`, plan: 'daily_checkin', services: ['medication', 'followup'], text });
    expect(r.status).toBe(200);
  }
}

function opening(stack: LocalStack, individual: string, conversation: string, plan: string) {
  return turn(stack, { individual_id: individual, conversation_id: conversation, call_log_id: `${conversation}-0`, plan, detected_agent: plan === 'accountability' ? 'accountability' : 'general', services: [], text: 'Hi there' });
}

describe('memory across conversations (offline stack, DynamoDB)', () => {
  let stack: LocalStack;
  let doc: DynamoDBDocumentClient;
  beforeAll(async () => {
    ({ stack, doc } = await startTestStack());
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('a check-in teaches; the next conversations of that individual use it, another individual’s do not', async () => {
    await dailyCheckin(stack, 'ind-mem-ana', 'mem-checkin-ana');
    await stack.lambda.idle();
    const item = (await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: 'T#local#IND#ind-mem-ana', sk: 'MEMORY' }, ConsistentRead: true }))).Item!;
    expect(item['memory'].commitments.map((c: { text: string }) => c.text)).toContain('walk around the lake after dinner');
    expect(typeof item['expires_at']).toBe('number');

    const acct = await opening(stack, 'ind-mem-ana', 'mem-acct-ana', 'accountability');
    expect(acct.status).toBe(200);
    expect(acct.json.response).toContain('Last time you planned to walk around the lake after dinner — how did it go?');
    const meds = await opening(stack, 'ind-mem-ana', 'mem-meds-ana', 'medication_adherence');
    expect(meds.json.response).toContain('Are you still taking metformin?');

    const otherAcct = await opening(stack, 'ind-mem-bo', 'mem-acct-bo', 'accountability');
    expect(otherAcct.json.response).toContain('Last time you planned something — how did it go?');
    expect(otherAcct.json.response).not.toMatch(/lake|metformin/);
    const otherMeds = await opening(stack, 'ind-mem-bo', 'mem-meds-bo', 'medication_adherence');
    expect(otherMeds.json.response).toContain('Which medications are you taking at the moment?');

    // Operators see what is remembered about the conversation's individual.
    const res = await signedFetch(`${stack.apiUrl}/conversations/mem-acct-ana`, { identity: 'polaris-operator' });
    expect(res.status).toBe(200);
    const inspection = (await res.json()) as Record<string, any>;
    expect(inspection.individual_memory.medications[0]).toMatchObject({ name: 'metformin', status: 'active', learned: { conversation_id: 'mem-checkin-ana' } });
  }, 120_000);
});
