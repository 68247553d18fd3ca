#!/usr/bin/env node
/**
 * `npm run chat`: talk to the orchestrator from a terminal. Starts a private offline stack on a free port
 * unless `--url` names a running one (e.g. `npm start`'s). Every request goes through local/client.ts
 * (SigV4-signed as the local client; operator commands as `polaris-operator`).
 *
 *   npm run chat
 *   npm run chat -- --url http://localhost:3000 --plan medication_adherence --services medication,nutrition
 *   printf 'I slept well\nI had eggs for breakfast\n' | npm run chat -- --url http://localhost:3000
 *
 * Flags: --url URL · --plan ID · --services a,b · --agent DETECTED_AGENT · --conversation ID ·
 *        --individual ID · --no-color · --replies-only
 *        (Language is not a request field: the orchestrator detects English or Spanish from what is written,
 *        so write in Spanish to talk in Spanish.)
 * Commands (a line starting with "/"): /help /plan ID /services a,b /agent NAME /conversation ID /new
 *        /inspect /turns /resume REASON /quit
 * With piped standard input each line is one patient message (or a command) and each reply is printed, so
 * the chat can be scripted; colour is used only on a terminal (and never with NO_COLOR).
 */
import * as path from 'node:path';
import * as readline from 'node:readline';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { OrchestratorResponse } from '../functions/contracts/api.js';
import type { ConversationInspection, TurnLog } from '../functions/contracts/operator.js';
import { postJson, signedFetch } from '../local/client.js';
import { COLOUR, PLAIN, inspectionLines, turnDetails, turnLogLines, type Palette } from '../local/chat-view.js';

export interface ChatSettings {
  url?: string;
  plan: string;
  services: string[];
  detectedAgent: string;
  conversationId: string;
  individualId: string;
  repliesOnly: boolean;
  colour: boolean;
}

const HELP = [
  'Type a message and press Enter. Commands:',
  '  /plan ID            start over with another plan (a conversation keeps its plan)',
  '  /services a,b       services to request from now on ("" for none)',
  '  /agent NAME         detected_agent: general | loneliness | accountability | therapy',
  '  /conversation ID    continue (or start) the conversation with this id',
  '  /new                start over: a new conversation',
  '  /inspect            the stored conversation as an operator sees it',
  '  /turns              the conversation\'s turn log (agents, latencies)',
  '  /resume REASON      resume a conversation paused for a human (as the local operator)',
  '  /quit',
];

function newConversationId(): string {
  return `chat-${randomUUID().slice(0, 8)}`;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, isTty = Boolean(process.stdout.isTTY)): ChatSettings {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
      return v;
    }
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const known = new Set(['url', 'plan', 'services', 'agent', 'conversation', 'individual', 'no-color', 'replies-only', 'help']);
  for (const a of argv) {
    if (a.startsWith('--') && !known.has(a.slice(2).split('=')[0]!)) throw new Error(`unknown flag ${a} (see --help)`);
  }
  return {
    url: get('url'),
    plan: get('plan') ?? 'daily_checkin',
    services: (get('services') ?? 'nutrition').split(',').map((s) => s.trim()).filter(Boolean),
    detectedAgent: get('agent') ?? 'general',
    conversationId: get('conversation') ?? newConversationId(),
    individualId: get('individual') ?? 'chat-individual',
    repliesOnly: argv.includes('--replies-only'),
    colour: isTty && !argv.includes('--no-color') && !env.NO_COLOR,
  };
}

/** One chat session against an API: handles a line (message or command) and returns what to print. */
export class ChatSession {
  private turn = 0;
  constructor(
    private readonly baseUrl: string,
    readonly settings: ChatSettings,
    private readonly p: Palette = settings.colour ? COLOUR : PLAIN,
  ) {}

  header(): string[] {
    const s = this.settings;
    return [
      this.p.dim(`conversation ${s.conversationId} · plan ${s.plan} · services [${s.services.join(', ')}] · agent ${s.detectedAgent} · ${this.baseUrl}`),
      this.p.dim('/help for commands'),
    ];
  }

  /** Handle one input line; returns the lines to print and whether to stop. */
  async handle(line: string): Promise<{ out: string[]; quit?: boolean }> {
    const text = line.trim();
    if (text === '') return { out: [] };
    if (text.startsWith('/')) return this.command(text);
    return { out: await this.say(text) };
  }

  private async say(text: string): Promise<string[]> {
    const s = this.settings;
    this.turn += 1;
    const res = await postJson(`${this.baseUrl}/orchestrate`, {
      text,
      conversation_id: s.conversationId,
      plan: s.plan,
      services: s.services,
      individual_id: s.individualId,
      user_profile_id: `${s.individualId}-profile`,
      detected_agent: s.detectedAgent,
      agent_instance_id: 'chat',
      call_log_id: `${s.conversationId}-${this.turn}-${Date.now().toString(36)}`,
    });
    const body = (await res.json()) as OrchestratorResponse & { error?: string; details?: Array<{ field: string; problem: string }> };
    if (res.status !== 200) {
      const details = (body.details ?? []).map((d) => `\n    ${d.field}: ${d.problem}`).join('');
      return [this.p.red(`! HTTP ${res.status}: ${body.error ?? JSON.stringify(body)}${details}`)];
    }
    const reply = `${this.p.bold(this.p.cyan('polaris ›'))} ${body.response}`;
    return this.settings.repliesOnly ? [reply] : [reply, ...turnDetails(body, this.p)];
  }

  private async operator(pathname: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    const url = `${this.baseUrl}${pathname}`;
    const res =
      init.method === 'POST'
        ? await postJson(url, init.body ?? {}, { identity: 'polaris-operator' })
        : await signedFetch(url, { identity: 'polaris-operator' });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  }

  private async command(text: string): Promise<{ out: string[]; quit?: boolean }> {
    const [cmd, ...rest] = text.split(/\s+/);
    const arg = rest.join(' ').trim();
    const s = this.settings;
    const id = encodeURIComponent(s.conversationId);
    switch (cmd) {
      case '/help':
        return { out: HELP };
      case '/quit':
      case '/exit':
        return { out: [], quit: true };
      case '/plan':
        if (!arg) return { out: [`plan: ${s.plan}`] };
        s.plan = arg;
        return this.startOver(`plan ${arg}`);
      case '/services':
        s.services = arg.split(',').map((x) => x.trim()).filter(Boolean);
        return { out: [this.p.dim(`services: [${s.services.join(', ')}]`)] };
      case '/agent':
        if (!arg) return { out: [`detected_agent: ${s.detectedAgent}`] };
        s.detectedAgent = arg;
        return { out: [this.p.dim(`detected_agent: ${arg}`)] };
      case '/conversation':
        if (!arg) return { out: [`conversation: ${s.conversationId}`] };
        s.conversationId = arg;
        this.turn = 0;
        return { out: [this.p.dim(`conversation: ${arg}`)] };
      case '/new':
        return this.startOver('a new conversation');
      case '/inspect': {
        const r = await this.operator(`/conversations/${id}`);
        if (r.status !== 200) return { out: [this.p.red(`! HTTP ${r.status}: ${JSON.stringify(r.body)}`)] };
        return { out: inspectionLines(r.body as ConversationInspection, this.p) };
      }
      case '/turns': {
        const r = await this.operator(`/conversations/${id}/turns`);
        if (r.status !== 200) return { out: [this.p.red(`! HTTP ${r.status}: ${JSON.stringify(r.body)}`)] };
        return { out: turnLogLines(r.body as TurnLog, this.p) };
      }
      case '/resume': {
        const r = await this.operator(`/conversations/${id}/resume`, { method: 'POST', body: { reason: arg || 'resumed from npm run chat' } });
        if (r.status !== 200) return { out: [this.p.red(`! HTTP ${r.status}: ${JSON.stringify(r.body)}`)] };
        return { out: [this.p.green('resumed'), ...inspectionLines(r.body as ConversationInspection, this.p)] };
      }
      default:
        return { out: [this.p.red(`unknown command ${cmd}; /help lists them`)] };
    }
  }

  private startOver(why: string): { out: string[] } {
    this.settings.conversationId = newConversationId();
    this.turn = 0;
    return { out: [this.p.dim(`${why}: conversation ${this.settings.conversationId}`)] };
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log('npm run chat -- [--url URL] [--plan ID] [--services a,b] [--agent NAME] [--conversation ID] [--individual ID] [--no-color] [--replies-only]');
    console.log(HELP.join('\n'));
    return;
  }
  const settings = parseArgs(argv);
  let stop: (() => Promise<void>) | undefined;
  let baseUrl = settings.url?.replace(/\/+$/, '');
  if (!baseUrl) {
    process.stderr.write('starting a private offline stack (pass --url to use a running one)…\n');
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const { ensureSynth } = await import('../local/synth.js');
    const { startLocalStack } = await import('../local/stack.js');
    const { templatePath } = ensureSynth(root, { envName: 'dev', quiet: true });
    const stack = await startLocalStack({ templatePath, apiPort: 0, silent: true, extraEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
    baseUrl = stack.apiUrl;
    stop = () => stack.stop();
  }
  const session = new ChatSession(baseUrl, settings);
  const interactive = Boolean(process.stdin.isTTY);
  const rl = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  const print = (lines: string[]) => {
    for (const l of lines) process.stdout.write(`${l}\n`);
  };
  if (interactive) {
    print(session.header());
    rl.setPrompt(settings.colour ? COLOUR.bold('you › ') : 'you › ');
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      if (!interactive && line.trim() !== '' && !line.trim().startsWith('/')) print([`you › ${line.trim()}`]);
      let result: { out: string[]; quit?: boolean };
      try {
        result = await session.handle(line);
      } catch (err) {
        result = { out: [`! ${err instanceof Error ? err.message : String(err)}`] };
      }
      print(result.out);
      if (result.quit) break;
      if (interactive) rl.prompt();
    }
  } finally {
    rl.close();
    await stop?.();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
