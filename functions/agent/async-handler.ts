/**
 * agent Lambda for ASYNC agents (history): the same processing as handler.ts plus the conversation store
 * they write (DynamoDB). A separate bundle, so the DynamoDB client stays out of every sync agent's and
 * responder's cold start. The AgentWorkflow construct picks this entry for agents of type async.
 */
import { getTenantConversationStore } from '../adapters/conversation-store.js';
import { createAgentHandler } from './handler.js';

/** The deployed handler: AGENT_NAME from the environment, the store from TABLE_NAME. */
export const handler = createAgentHandler({ agentName: process.env.AGENT_NAME || undefined, getStore: (tenant) => getTenantConversationStore(tenant) });
