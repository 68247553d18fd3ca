#!/usr/bin/env node
/**
 * `npm run converse`: plays the scripted conversations in events/conversations.json (one per plan) through
 * the offline stack over HTTP and prints each as a transcript with its checkpoint progress — a quick way to
 * see that the reference agents and responders read like a coherent check-in.
 *
 *   npm run converse                         start a private offline stack on a free port, all plans
 *   npm run converse -- daily_checkin        one plan
 *   CONVERSE_URL=http://localhost:3000 npm run converse    use a stack already running (npm start)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSynth } from '../local/synth.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { postJson } from '../local/client.js';

interface Script {
  detected_agent: string;
  services: string[];
  turns: string[];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scripts = JSON.parse(fs.readFileSync(path.join(root, 'events', 'conversations.json'), 'utf8')) as Record<string, Script>;

async function play(baseUrl: string, plan: string, script: Script): Promise<void> {
  const conversationId = `demo-${plan}-${Date.now().toString(36)}`;
  console.log(`\n=== ${plan} (detected_agent: ${script.detected_agent}, services: [${script.services.join(', ')}]) ===`);
  let i = 0;
  for (const text of script.turns) {
    i += 1;
    const res = await postJson(`${baseUrl}/orchestrate`, {
        text,
        conversation_id: conversationId,
        plan,
        services: script.services,
        individual_id: 'demo-individual',
        user_profile_id: 'demo-profile',
        detected_agent: script.detected_agent,
        agent_instance_id: 'demo-agent',
        call_log_id: `${conversationId}-${i}`,
    });
    const body = (await res.json()) as {
      response?: string;
      checkpoint_progress?: Record<string, boolean>;
      task_stack?: Array<{ task_id: string; kind: string; status: string; checkpoints: Array<{ status: string }> }>;
      requires_human?: boolean;
      error?: string;
    };
    if (res.status !== 200) {
      console.log(`  ! HTTP ${res.status}: ${JSON.stringify(body)}`);
      return;
    }
    const main = body.task_stack?.find((t) => t.kind === 'main');
    const done = main?.checkpoints.filter((c) => c.status === 'complete').length ?? 0;
    console.log(`  Patient:   ${text}`);
    console.log(`  Companion: ${body.response}`);
    console.log(`             [main task ${main?.status ?? '?'}: ${done}/${main?.checkpoints.length ?? 0} checkpoints${body.requires_human ? ', REQUIRES HUMAN' : ''}]`);
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = only.filter((p) => !scripts[p]);
  if (unknown.length) throw new Error(`no script for ${unknown.join(', ')}; have ${Object.keys(scripts).join(', ')}`);
  let stack: LocalStack | undefined;
  let baseUrl = process.env.CONVERSE_URL;
  if (!baseUrl) {
    const { templatePath } = ensureSynth(root, { envName: 'dev', quiet: true });
    stack = await startLocalStack({ templatePath, apiPort: 0, silent: true, extraEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
    baseUrl = stack.apiUrl;
  }
  try {
    for (const [plan, script] of Object.entries(scripts)) {
      if (only.length === 0 || only.includes(plan)) await play(baseUrl, plan, script);
    }
  } finally {
    await stack?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`converse failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
