import { describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import {
  AgentNameMismatchError,
  InvalidAgentEventError,
  UnknownAgentError,
  createAgentHandler,
  processAgentEvent,
} from '../../../functions/agent/handler.js';
import { AgentOutputSchema, ResponderOutputSchema } from '../../../functions/contracts/agent.js';
import type { ConversationStore, StoredConversation } from '../../../functions/core/ports.js';
import type { ConversationState } from '../../../functions/core/state.js';
import { agentRequest, checkpoint, responderRequest } from './requests.js';

const context = { functionName: 'agent', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 5000 } as unknown as Context;

/** A one-conversation in-memory store (only what the history path uses). */
function memoryStore(summary: string): { store: ConversationStore; state: () => ConversationState; updates: () => number } {
  let state = { conversation_id: 'conv-test-1', context: { summary, recent: [] } } as unknown as ConversationState;
  let version = 1;
  let updates = 0;
  const store: ConversationStore = {
    async get() {
      return { state, version, source: 'table' } as StoredConversation;
    },
    async commitTurn() {
      throw new Error('not used');
    },
    async update(id, mutate) {
      if (id !== 'conv-test-1') return null;
      const next = mutate(structuredClone(state));
      if (next) {
        state = next;
        version += 1;
        updates += 1;
      }
      return { state, version, source: 'table' };
    },
    async listTurns() {
      return [];
    },
  };
  return { store, state: () => state, updates: () => updates };
}

describe('agent handler', () => {
  it('runs the pinned agent and returns a contract-valid AgentOutput', async () => {
    const handler = createAgentHandler({ agentName: 'privacy' });
    const out = await handler(agentRequest('privacy', 'mail me at x@y.com'), context);
    expect(AgentOutputSchema.parse(out)).toEqual(out);
    expect((out as { redacted_text?: string }).redacted_text).toBe('mail me at [EMAIL]');
  });

  it('runs a responder event', async () => {
    const cp = checkpoint('c1', { keywords_any: ['x'] });
    const out = await processAgentEvent(responderRequest('primary', 'hi', {}, { checkpoint: cp }), { agentName: 'primary' });
    expect(ResponderOutputSchema.parse(out)).toEqual(out);
  });

  it('rejects an event for another agent than AGENT_NAME', async () => {
    const handler = createAgentHandler({ agentName: 'nutrition' });
    await expect(handler(agentRequest('privacy', 'x'), context)).rejects.toThrow(AgentNameMismatchError);
    await expect(processAgentEvent(agentRequest('privacy', 'x'), { agentName: 'nutrition' })).rejects.toThrow(
      "this function is agent 'nutrition' (AGENT_NAME) but the event is for 'privacy'",
    );
    await expect(processAgentEvent(responderRequest('therapy', 'x', {}), { agentName: 'primary' })).rejects.toBeInstanceOf(AgentNameMismatchError);
  });

  it('without AGENT_NAME serves any reference agent (local stack)', async () => {
    const out = await processAgentEvent(agentRequest('medication', 'I took my insulin'), {});
    expect((out as { agent: string }).agent).toBe('medication');
  });

  it('names the failing fields of an invalid agent event', async () => {
    const bad = { ...agentRequest('privacy', 'x'), contract_version: 2, text: 42 } as unknown;
    const error = await processAgentEvent(bad, { agentName: 'privacy' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAgentEventError);
    const fields = (error as InvalidAgentEventError).fields.map((f) => f.path);
    expect(fields).toEqual(expect.arrayContaining(['contract_version', 'text']));
    expect((error as Error).message).toContain('text');
  });

  it('names the failing fields of an invalid responder event', async () => {
    const bad = { ...responderRequest('primary', 'x', {}), responder: 'primary', context: { turn_number: 0 } } as unknown;
    const error = await processAgentEvent(bad, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAgentEventError);
    expect((error as InvalidAgentEventError).kind).toBe('responder');
    expect((error as InvalidAgentEventError).fields.map((f) => f.path)).toContain('context.turn_number');
  });

  it('rejects an event that is neither an agent nor a responder request', async () => {
    for (const bad of [null, 'text', 42, {}, { hello: 'world' }]) {
      const error = await processAgentEvent(bad, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidAgentEventError);
      expect((error as InvalidAgentEventError).kind).toBe('unknown');
    }
  });

  it('rejects an unknown agent name with the known ones', async () => {
    const error = await processAgentEvent(agentRequest('astrology', 'x'), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownAgentError);
    expect((error as Error).message).toContain('privacy');
  });

  it('history writes the rolling summary through the store, on top of the STORED summary', async () => {
    const mem = memoryStore('T1: meals: breakfast (eggs)');
    const out = await processAgentEvent(agentRequest('history', 'I will walk tomorrow, call me at 555-123-4567', { turn: 2, summary: 'stale' }), {
      agentName: 'history',
      getStore: () => mem.store,
    });
    expect(mem.updates()).toBe(1);
    expect(mem.state().context.summary).toBe('T1: meals: breakfast (eggs)\nT2: plans: walk (tomorrow)');
    expect(AgentOutputSchema.parse(out).findings['stored']).toBe(true);
    expect(JSON.stringify(out)).not.toContain('4567');
  });

  it('history re-run of the same turn does not write again', async () => {
    const mem = memoryStore('');
    const event = agentRequest('history', 'I will walk tomorrow', { turn: 1 });
    await processAgentEvent(event, { getStore: () => mem.store });
    await processAgentEvent(event, { getStore: () => mem.store });
    expect(mem.updates()).toBe(1);
  });

  it('history for a missing conversation reports stored=false', async () => {
    const mem = memoryStore('');
    const out = await processAgentEvent(agentRequest('history', 'hi', { conversation_id: 'gone' }), { getStore: () => mem.store });
    const findings = (out as { findings: Record<string, unknown> }).findings;
    expect(findings['stored']).toBe(false);
    expect(findings['context_summary']).toBe('T1: said: "hi"');
  });
});
