/**
 * The individual-memory examples of docs/contracts.md §5, produced by running the code: facts extracted from
 * a daily check-in's reference-agent outputs, applied by the real merge, projected for agents, and the
 * Memory Service contract exchanged over HTTP between the orchestrator's client and the reference service.
 * Regenerate with `npx tsx test/integration/memory/examples.ts --write` (the docs test checks the file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_AGENTS } from '../../../functions/agents/index.js';
import { AgentRequestSchema } from '../../../functions/contracts/agent.js';
import { extractMemoryFacts } from '../../../functions/core/memory/facts.js';
import { applyFacts, memoryForConversation } from '../../../functions/core/memory/merge.js';
import type { IndividualMemory, MemoryWriteRequest } from '../../../functions/core/memory/schema.js';
import { HttpAgentClient } from '../../../functions/adapters/http-agent-client.js';
import { HttpMemoryService } from '../../../functions/adapters/memory-service.js';
import { startLocalMemoryService } from '../../../local/memory-service.js';

export const DOCS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/contracts.md');

function turnRequest(text: string, checkpointId: string, turn: number): MemoryWriteRequest {
  const base = AgentRequestSchema.parse({
    contract_version: 1, agent: 'followup', text, conversation_id: 'conv-41', individual_id: 'ind-7', user_profile_id: 'profile-7',
    agent_instance_id: 'instance-1', call_log_id: 'call-1', plan: 'daily_checkin', channel: 'sms', detected_agent: 'general', task: null,
    checkpoint: null, task_checkpoints: [], context: { turn_number: turn },
  });
  const privacy = REFERENCE_AGENTS['privacy']!({ ...base, agent: 'privacy' });
  const deps = { privacy };
  const findings = {
    followup: REFERENCE_AGENTS['followup']!({ ...base, agent: 'followup', dependencies: deps }),
    medication: REFERENCE_AGENTS['medication']!({ ...base, agent: 'medication', dependencies: deps }),
  };
  const facts = extractMemoryFacts({ plan: 'daily_checkin', checkpoint_id: checkpointId, redacted_text: privacy.redacted_text!, text, findings, memory: null });
  return { contract_version: 1, tenant: 'local', individual_id: 'ind-7', conversation_id: 'conv-41', plan: 'daily_checkin', turn, at: `2026-11-23T08:0${turn}:00.000Z`, facts };
}

/** Example name → JSON value. */
export async function buildMemoryExamples(): Promise<Record<string, unknown>> {
  const writes = [
    turnRequest('I feel pretty good today', 'checkin_mood', 1),
    turnRequest('Oatmeal for breakfast, and I took my metformin 500 mg', 'checkin_meals', 3),
    turnRequest('I will walk around the lake after dinner', 'checkin_plan', 4),
  ];
  let memory: IndividualMemory | null = null;
  for (const w of writes) memory = applyFacts(memory, w) ?? memory;

  const svc = await startLocalMemoryService();
  const client = new HttpMemoryService({ baseUrl: svc.url, client: new HttpAgentClient({ baseDelayMs: 1 }) });
  try {
    await client.get('local', 'ind-7');
    await client.put('local', 'ind-7', memory!, null);
    await client.get('local', 'ind-7');
    await client.put('local', 'ind-7', memory!, null);
    await client.erase('local', 'ind-7');
  } finally {
    client.destroy();
    await svc.stop();
  }
  const [get404, put, get, conflict, del] = svc.exchanges.map((e) => ({ request: `${e.method} ${e.path}`, ...(e.request !== null ? { body: e.request } : {}), status: e.status, ...(e.response !== undefined ? { response: e.response } : {}) }));
  const abbreviated = (x: typeof put) => JSON.parse(JSON.stringify(x).replace(/"memory":\{[^]*?"updated_at":"[^"]*"\}/, '"memory":{ "…": "the IndividualMemory record above" }'));
  return {
    'memory-write-request': writes[2],
    'individual-memory': memory,
    'agent-turn-input-memory': memoryForConversation(memory, 'conv-42'),
    'memory-service-get-unknown': get404,
    'memory-service-put': abbreviated(put!),
    'memory-service-get': abbreviated(get!),
    'memory-service-put-conflict': abbreviated(conflict!),
    'memory-service-delete': del,
  };
}

const BLOCK = /<!-- memory-example:([a-z_-]+) -->\n```json\n[\s\S]*?\n```/g;

/** The docs with every memory example block replaced by the current output. */
export function renderMemoryDocs(doc: string, examples: Record<string, unknown>): string {
  return doc.replace(BLOCK, (_all, name: string) => {
    if (!(name in examples)) throw new Error(`docs/contracts.md names an unknown memory example '${name}'`);
    return `<!-- memory-example:${name} -->\n\`\`\`json\n${JSON.stringify(examples[name], null, 2)}\n\`\`\``;
  });
}

if (process.argv.includes('--write')) {
  const doc = readFileSync(DOCS_PATH, 'utf8');
  writeFileSync(DOCS_PATH, renderMemoryDocs(doc, await buildMemoryExamples()));
}
