/**
 * A miniature orchestrator over the reference agents only (no AWS, no workflow): runs the sync agents in
 * dependency order, the routed responder, applies the checklist's verdict to the checkpoint list and asks the
 * checkpoint generator for more — enough to show a plan's conversation reads like a coherent check-in.
 * The real orchestrator is functions/orchestrate; this is a test harness for the agents' combined behaviour.
 */
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../../../functions/agents/index.js';
import { generate } from '../../../functions/agents/checkpoint-generator.js';
import { summarize } from '../../../functions/agents/history.js';
import type { PlanDefinition } from '../../../functions/core/plans.js';
import {
  AgentOutputSchema,
  AgentRequestSchema,
  ResponderOutputSchema,
  ResponderRequestSchema,
  type AgentOutput,
  type CheckpointRef,
  type ResponderName,
  type ResponderOutput,
} from '../../../functions/contracts/agent.js';

export interface TranscriptTurn {
  turn: number;
  user: string;
  reply: ResponderOutput;
  asked_before: string | null;
  completed: string | null;
  results: Record<string, AgentOutput>;
}

const LEVELS = [['privacy', 'followup', 'medication', 'human_intervention'], ['nutrition'], ['checklist']];

/** Plays `userTurns` through a plan; returns the transcript and the final checkpoint list. */
export function playConversation(plan: PlanDefinition, responder: ResponderName, userTurns: readonly string[]) {
  const checkpoints: CheckpointRef[] = plan.main_task.checkpoints.map((c) => ({ ...c, status: 'pending' }));
  const transcript: TranscriptTurn[] = [];
  let summary = '';
  let asked: string | null = null;
  userTurns.forEach((text, i) => {
    const turn = i + 1;
    const current = checkpoints.find((c) => c.status !== 'complete') ?? null;
    const input = {
      contract_version: 1 as const,
      text,
      conversation_id: `conv-${plan.plan_id}`,
      individual_id: 'ind-1',
      user_profile_id: 'prof-1',
      agent_instance_id: 'inst-1',
      call_log_id: `call-${turn}`,
      plan: plan.plan_id,
      channel: 'sms',
      detected_agent: responder === 'primary' ? 'general' : responder,
      task: { task_id: plan.main_task.task_id, name: plan.main_task.name, kind: 'main' as const, status: 'active' },
      checkpoint: current,
      task_checkpoints: checkpoints.map((c) => ({ ...c })),
      context: { summary, recent: [], turn_number: turn },
    };
    const results: Record<string, AgentOutput> = {};
    for (const level of LEVELS) {
      for (const agent of level) {
        const req = AgentRequestSchema.parse({ ...input, agent, dependencies: { ...results } });
        results[agent] = AgentOutputSchema.parse(REFERENCE_AGENTS[agent]!(req));
      }
    }
    const reply = ResponderOutputSchema.parse(
      REFERENCE_RESPONDERS[responder](ResponderRequestSchema.parse({ ...input, responder, agent_results: results })),
    );
    const cl = results['checklist']!;
    let completed: string | null = null;
    if (current && cl.flags.checkpoint_complete && cl.flags.checkpoint_id === current.checkpoint_id) {
      current.status = 'complete';
      completed = current.checkpoint_id;
    }
    summary = summarize(summary, AgentRequestSchema.parse({ ...input, agent: 'history', dependencies: results }));
    const proposal = generate(
      {
        contract_version: 1,
        conversation_id: input.conversation_id,
        plan: plan.plan_id,
        task_id: plan.main_task.task_id,
        based_on_version: turn,
        completed_checkpoint_ids: checkpoints.filter((c) => c.status === 'complete').map((c) => c.checkpoint_id),
        context_summary: summary,
        detected_agent: input.detected_agent,
      },
      plan,
      { existingCheckpointIds: checkpoints.map((c) => c.checkpoint_id) },
    );
    for (const c of proposal.checkpoints) checkpoints.push({ ...c, status: 'pending' });
    transcript.push({ turn, user: text, reply, asked_before: asked, completed, results });
    asked = reply.asks_checkpoint_id;
  });
  return { transcript, checkpoints, summary };
}
