/**
 * Builders of contract-valid requests for the reference agent tests (parsed through the contract schemas,
 * so a test never feeds an agent something the orchestrator could not send).
 */
import {
  AgentRequestSchema,
  ResponderRequestSchema,
  type AgentOutput,
  type AgentRequest,
  type CheckpointRef,
  type CompletionCriteria,
  type ResponderName,
  type ResponderRequest,
} from '../../../functions/contracts/agent.js';
import { REFERENCE_AGENTS } from '../../../functions/agents/index.js';

export function checkpoint(id: string, criteria: CompletionCriteria = {}, status = 'pending', question = `Question for ${id}?`): CheckpointRef {
  return { checkpoint_id: id, description: `About ${id}`, question, criteria, status };
}

export interface RequestOptions {
  turn?: number;
  conversation_id?: string;
  checkpoint?: CheckpointRef | null;
  task_checkpoints?: CheckpointRef[];
  dependencies?: Record<string, AgentOutput>;
  summary?: string;
  detected_agent?: string;
  language?: 'en' | 'es';
  resumed?: boolean;
}

function turnInput(text: string, o: RequestOptions) {
  return {
    contract_version: 1 as const,
    text,
    conversation_id: o.conversation_id ?? 'conv-test-1',
    individual_id: 'ind-1',
    user_profile_id: 'prof-1',
    agent_instance_id: 'inst-1',
    call_log_id: 'call-1',
    plan: 'daily_checkin',
    channel: 'sms',
    detected_agent: o.detected_agent ?? 'general',
    task: { task_id: 'daily_checkin_main', name: 'Daily check-in', kind: 'main' as const, status: 'active' },
    checkpoint: o.checkpoint === undefined ? null : o.checkpoint,
    task_checkpoints: o.task_checkpoints ?? (o.checkpoint ? [o.checkpoint] : []),
    context: { summary: o.summary ?? '', recent: [], turn_number: o.turn ?? 1 },
    ...(o.language !== undefined ? { language: o.language } : {}),
    ...(o.resumed !== undefined ? { resumed: o.resumed } : {}),
  };
}

export function agentRequest(agent: string, text: string, o: RequestOptions = {}): AgentRequest {
  return AgentRequestSchema.parse({ ...turnInput(text, o), agent, dependencies: o.dependencies ?? {} });
}

export function responderRequest(
  responder: ResponderName,
  text: string,
  agent_results: Record<string, AgentOutput>,
  o: RequestOptions = {},
): ResponderRequest {
  return ResponderRequestSchema.parse({ ...turnInput(text, o), responder, agent_results });
}

/** ~50 KB of ordinary check-in text, with `tail` at the very end. */
export function longText(tail = ''): string {
  const sentence = 'Today I had oatmeal for breakfast, took my metformin and I will walk tomorrow with my neighbour. ';
  return sentence.repeat(Math.ceil(50_000 / sentence.length)) + tail;
}

/**
 * Runs the sync reference agents the way the fan-out does (privacy and followup first, then nutrition with
 * them, then checklist with everything) and returns their outputs by name, i.e. a responder's agent_results.
 */
export function runAgents(text: string, o: RequestOptions = {}): Record<string, AgentOutput> {
  const run = (agent: string, dependencies: Record<string, AgentOutput> = {}) =>
    REFERENCE_AGENTS[agent]!(agentRequest(agent, text, { ...o, dependencies }));
  const privacy = run('privacy');
  const followup = run('followup', { privacy });
  const medication = run('medication', { privacy });
  const human_intervention = run('human_intervention');
  const nutrition = run('nutrition', { privacy, followup });
  const checklist = run('checklist', { privacy, followup, nutrition, medication });
  return { privacy, followup, medication, human_intervention, nutrition, checklist };
}
