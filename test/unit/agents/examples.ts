/**
 * The JSON examples of docs/contracts.md, produced by running the reference agents. The docs test checks
 * the file still matches; regenerate with `npx tsx test/unit/agents/examples.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../../../functions/agents/index.js';
import { generate } from '../../../functions/agents/checkpoint-generator.js';
import { getPlan } from '../../../functions/core/plans.js';
import {
  AgentRequestSchema,
  CheckpointGenerationRequestSchema,
  ResponderRequestSchema,
  type AgentOutput,
} from '../../../functions/contracts/agent.js';

export const DOCS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/contracts.md');

/** Example name → JSON value, in the order they appear in the docs. */
export function buildExamples(): Record<string, unknown> {
  const plan = getPlan('daily_checkin')!;
  const [mood, sleep, meals, planCp] = plan.main_task.checkpoints.map((c) => ({ ...c, status: 'pending' }));
  const checkpoints = [{ ...mood!, status: 'complete' }, { ...sleep!, status: 'complete' }, { ...meals!, status: 'in_progress' }, planCp!];
  const text = 'For breakfast I had oatmeal with a banana and 2 glasses of water. I took my metformin. I will walk tomorrow at 5pm, call me on 555-123-4567.';
  const input = {
    contract_version: 1 as const,
    text,
    conversation_id: 'conv-42',
    individual_id: 'ind-7',
    user_profile_id: 'profile-7',
    agent_instance_id: 'instance-1',
    call_log_id: 'call-2026-11-23-001',
    plan: 'daily_checkin',
    channel: 'sms',
    detected_agent: 'general',
    task: { task_id: plan.main_task.task_id, name: plan.main_task.name, kind: 'main' as const, status: 'active' },
    checkpoint: checkpoints[2]!,
    task_checkpoints: checkpoints,
    context: {
      summary: 'T1: completed checkin_mood\nT2: completed checkin_sleep',
      recent: [{ turn: 2, user: 'I slept about 7 hours.', reply: 'Thanks. What have you eaten so far today?' }],
      turn_number: 3,
    },
  };
  const results: Record<string, AgentOutput> = {};
  const run = (agent: string, deps: string[]) => {
    const req = AgentRequestSchema.parse({ ...input, agent, dependencies: Object.fromEntries(deps.map((d) => [d, results[d]!])) });
    results[agent] = REFERENCE_AGENTS[agent]!(req);
    return req;
  };
  run('privacy', []);
  run('followup', ['privacy']);
  run('medication', ['privacy']);
  run('human_intervention', []);
  const nutritionRequest = run('nutrition', ['privacy', 'followup']);
  run('checklist', ['privacy', 'followup', 'nutrition', 'medication']);
  const responderRequest = ResponderRequestSchema.parse({ ...input, responder: 'primary', agent_results: results });
  const generationRequest = CheckpointGenerationRequestSchema.parse({
    contract_version: 1,
    conversation_id: 'conv-42',
    plan: 'daily_checkin',
    task_id: plan.main_task.task_id,
    based_on_version: 3,
    completed_checkpoint_ids: ['checkin_mood', 'checkin_sleep', 'checkin_meals'],
    context_summary: 'T1: completed checkin_mood\nT2: completed checkin_sleep\nT3: meals: breakfast (oatmeal, banana); water 500 ml',
    detected_agent: 'general',
  });
  return {
    'agent-request': nutritionRequest,
    'agent-output-privacy': results['privacy'],
    'agent-output-nutrition': results['nutrition'],
    'agent-output-followup': results['followup'],
    'agent-output-medication': results['medication'],
    'agent-output-checklist': results['checklist'],
    'agent-output-human_intervention': results['human_intervention'],
    'responder-output': REFERENCE_RESPONDERS.primary(responderRequest),
    'checkpoint-generation-request': generationRequest,
    'checkpoint-generation-output': generate(generationRequest, plan),
  };
}

const BLOCK = /<!-- example:([a-z_-]+) -->\n```json\n[\s\S]*?\n```/g;

/** The docs text with every marked example block replaced by the current output. */
export function renderDocs(doc: string, examples: Record<string, unknown>): string {
  return doc.replace(BLOCK, (_all, name: string) => {
    if (!(name in examples)) throw new Error(`docs/contracts.md names an unknown example '${name}'`);
    return `<!-- example:${name} -->\n\`\`\`json\n${JSON.stringify(examples[name], null, 2)}\n\`\`\``;
  });
}

if (process.argv.includes('--write')) {
  const doc = readFileSync(DOCS_PATH, 'utf8');
  writeFileSync(DOCS_PATH, renderDocs(doc, buildExamples()));
}
