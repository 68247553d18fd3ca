#!/usr/bin/env node
/**
 * `npm run converse`: plays the scripted conversations in events/conversations.json (one per plan and
 * language, English and Spanish) through the offline stack over HTTP and prints each as a transcript with the
 * checkpoints' statuses and typed values — a quick way to see that the reference agents and responders read
 * like a coherent check-in.
 *
 *   npm run converse                         start a private offline stack on a free port, all plans, both languages
 *   npm run converse -- daily_checkin        one plan
 *   npm run converse -- --lang es            one language
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
  /** Patient turns per language. */
  turns: Record<string, string[]>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scripts = JSON.parse(fs.readFileSync(path.join(root, 'events', 'conversations.json'), 'utf8')) as Record<string, Script>;

async function play(baseUrl: string, plan: string, script: Script, lang: string, turns: string[]): Promise<void> {
  const conversationId = `demo-${plan}-${lang}-${Date.now().toString(36)}`;
  console.log(`\n=== ${plan} [${lang}] (detected_agent: ${script.detected_agent}, services: [${script.services.join(', ')}]) ===`);
  let i = 0;
  for (const text of turns) {
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
      task_stack?: Array<{ task_id: string; kind: string; status: string; checkpoints: Array<{ checkpoint_id: string; status: string; value?: Record<string, unknown> }> }>;
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
    console.log(`             [main task ${main?.status ?? '?'}: ${done}/${main?.checkpoints.length ?? 0} complete${body.requires_human ? ', REQUIRES HUMAN' : ''}]`);
    for (const task of body.task_stack ?? []) {
      const cps = task.checkpoints.map((c) => `${c.checkpoint_id}=${c.status}${c.value ? ` ${describeValue(c.value)}` : ''}`);
      console.log(`             ${task.task_id}: ${cps.join('; ')}`);
    }
  }
}

/** A typed value on one line, without its type tag. */
function describeValue(value: Record<string, unknown>): string {
  const { type: _type, ...rest } = value;
  return JSON.stringify(rest);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const langAt = args.indexOf('--lang');
  const langs = langAt >= 0 && args[langAt + 1] ? [args[langAt + 1]!] : ['en', 'es'];
  const only = args.filter((a, i) => !a.startsWith('-') && (langAt < 0 || i !== langAt + 1));
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
      if (only.length > 0 && !only.includes(plan)) continue;
      for (const lang of langs) {
        const turns = script.turns[lang];
        if (turns !== undefined) await play(baseUrl, plan, script, lang, turns);
      }
    }
  } finally {
    await stack?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`converse failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
