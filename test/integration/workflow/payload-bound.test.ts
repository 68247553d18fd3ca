/**
 * The 256 KB bound, computed: the LARGEST request the API accepts (8000 characters of the text that is
 * longest in JSON, 128-character ids) on the largest conversation context the contract allows, run through
 * the synthesized fan-out workflow where EVERY agent is a team HTTP service answering far too much (1 MB
 * findings, maximal summaries and reasons, a redacted text at its limit) and every responder answers its
 * longest reply. The outputs pass through the real HTTP invoker (the enforcement point), and every state's
 * input and output, every task payload and the execution output are measured against Step Functions' limit.
 */
import { describe, expect, it } from 'vitest';
import { StateMachine } from 'aws-local-stepfunctions';
import { localExecutionContext, localTaskHandlers, withPureJsonMerge } from '../../../lib/asl-resolve.js';
import { defaultRegistry, graphAgents, mergeRegistry, RESPONDERS, type AgentRegistry } from '../../../functions/core/agent-graph.js';
import { CONTRACT_VERSION, type AgentTurnInput, type CheckpointRef } from '../../../functions/contracts/agent.js';
import { MAX_TEXT_CHARS, OrchestratorQuerySchema } from '../../../functions/contracts/api.js';
import { StepFunctionsFanout } from '../../../functions/adapters/fanout.js';
import { createHttpAgentHandler } from '../../../functions/http-agent/handler.js';
import type { HttpAgentClient, HttpAgentCall } from '../../../functions/adapters/http-agent-client.js';
import {
  fitTurnInput,
  jsonBytes,
  MAX_AGENT_OUTPUT_BYTES,
  PREFERRED_AGENT_OUTPUT_BYTES,
  redactedTextLimit,
  WORKFLOW_PAYLOAD_LIMIT_BYTES,
} from '../../../functions/core/payload-budget.js';
import { AgentWorkflow } from '../../../lib/constructs/agent-workflow.js';

/** The character whose JSON is longest: a control character is written as \u0001 (6 bytes). */
const WORST = '\u0001';
const worst = (chars: number): string => WORST.repeat(chars);
const id = (c: string): string => c.repeat(128);

/** Every agent and responder of the default registry served over HTTP (so the invoker handles each). */
function allHttp(): AgentRegistry {
  const base = defaultRegistry();
  const names = [...graphAgents(base), ...RESPONDERS];
  return mergeRegistry(base, { agents: Object.fromEntries(names.map((n) => [n, { target: { type: 'http', url: `http://agents.invalid/${n}` } }])) });
}

function checkpoint(n: number): CheckpointRef {
  return {
    checkpoint_id: `${'c'.repeat(120)}${n}`,
    description: worst(500),
    question: worst(500),
    criteria: { keywords_any: Array.from({ length: 50 }, () => worst(40)), keywords_all: Array.from({ length: 20 }, () => worst(40)), min_words: 500 },
    status: 'in_progress',
  };
}

/** The largest request the API accepts, on the largest context the agent contract allows. */
function largestTurnInput(): AgentTurnInput {
  const query = OrchestratorQuerySchema.parse({
    text: worst(MAX_TEXT_CHARS),
    conversation_id: id('a'),
    plan: id('b'),
    services: Array.from({ length: 20 }, (_, i) => `${'s'.repeat(120)}${i}`),
    individual_id: id('d'),
    user_profile_id: id('e'),
    detected_agent: id('f'),
    agent_instance_id: id('g'),
    call_log_id: id('h'),
    channel: 'x'.repeat(32),
  });
  return {
    contract_version: CONTRACT_VERSION,
    text: query.text,
    conversation_id: query.conversation_id,
    individual_id: query.individual_id,
    user_profile_id: query.user_profile_id,
    agent_instance_id: query.agent_instance_id,
    call_log_id: query.call_log_id,
    plan: query.plan,
    channel: query.channel ?? null,
    detected_agent: query.detected_agent,
    task: { task_id: id('t'), name: worst(200), kind: 'main', service: id('s'), status: 'in_progress' },
    checkpoint: checkpoint(0),
    task_checkpoints: Array.from({ length: 50 }, (_, i) => checkpoint(i)),
    context: {
      summary: worst(4000),
      recent: Array.from({ length: 10 }, (_, i) => ({ turn: i + 1, user: worst(500), reply: worst(4000) })),
      turn_number: 11,
    },
  };
}

/** A team service that answers as much as it can: the invoker must cut it. */
function greedyClient(): HttpAgentClient {
  return {
    call: async (call: HttpAgentCall) => {
      const req = call.payload as Record<string, unknown>;
      if (typeof req.responder === 'string') {
        return { status: 200, attempts: 1, body: { responder: req.responder, response: worst(4000), is_enriched: true, asks_checkpoint_id: id('q') } };
      }
      const text = String(req.text);
      // The longest redacted text the budget allows for this text.
      const redacted = `${text}${worst(Math.floor((redactedTextLimit(text) - jsonBytes(text)) / 6))}`;
      return {
        status: 200,
        attempts: 1,
        body: {
          agent: call.agent,
          status: 'ok',
          findings: { blob: worst(1024 * 1024) },
          flags: { requires_human: true, severity: 'critical', reason: worst(500), checkpoint_complete: true, checkpoint_id: id('k') },
          summary: worst(1000),
          ...(call.agent === 'privacy' ? { redacted_text: redacted } : {}),
        },
      };
    },
  } as unknown as HttpAgentClient;
}

async function runMeasured(registry: AgentRegistry, input: AgentTurnInput) {
  // As on AWS: the emulator's JsonMerge would otherwise grow $.input in place (see withPureJsonMerge).
  // The generated definition (what the construct synthesizes, with placeholder ARNs: no CDK synth needed).
  const asl = withPureJsonMerge(AgentWorkflow.buildDefinition(registry));
  const fanout = new StepFunctionsFanout({ registry, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x', client: { send: async () => ({}) as never } });
  const run = graphAgents(registry);
  const wfInput = fanout.workflowInput({ input, selection: { run, circuit_open: [], async: [] }, responder: 'primary', deadline: Date.now() + 27_000 });
  const invoker = createHttpAgentHandler({ registry, client: greedyClient(), deadline: () => undefined });
  let largestTaskPayload = 0;
  const outputs: Array<Record<string, unknown>> = [];
  const execution = new StateMachine(asl as never).run(wfInput as never, {
    overrides: {
      taskResourceLocalHandlers: localTaskHandlers(asl, async (_fn, payload) => {
        largestTaskPayload = Math.max(largestTaskPayload, jsonBytes(payload));
        const out = await invoker(payload as Record<string, unknown>);
        outputs.push(out as Record<string, unknown>);
        return out;
      }) as never,
    },
    context: localExecutionContext() as never,
  });
  let largestState = 0;
  let largestStateName = '';
  const collect = (async () => {
    for await (const e of execution.eventLogs as AsyncGenerator<{ type: string; state?: { name: string; input: unknown; output?: unknown } }>) {
      if (!e.state) continue;
      for (const v of [e.state.input, e.state.output]) {
        const b = v === undefined ? 0 : jsonBytes(v);
        if (b > largestState) [largestState, largestStateName] = [b, e.state.name];
      }
    }
  })();
  const output = (await execution.result) as unknown as { agents: Record<string, { status: string; out: Record<string, unknown> }>; responder: { status: string } };
  await collect;
  return { wfInput, output, largestTaskPayload, largestState, largestStateName, outputs };
}

describe('workflow payload stays under 256 KB', () => {
  it('the largest allowed request with greedy agents: every state, task payload and the output fit', { timeout: 120_000 }, async () => {
    const registry = allHttp();
    const raw = largestTurnInput();
    expect(jsonBytes(raw)).toBeGreaterThan(WORKFLOW_PAYLOAD_LIMIT_BYTES); // unfitted it would not even start
    const r = await runMeasured(registry, raw);

    // Everything ran and answered ok (nothing was failed for size), with the safety flags intact.
    const agents = graphAgents(registry);
    for (const a of agents) expect(r.output.agents[a]?.status, a).toBe('ok');
    expect(r.output.responder.status).toBe('ok');
    const privacy = r.output.agents.privacy!.out.privacy as { redacted_text: string; flags: Record<string, unknown> };
    expect(privacy.redacted_text.slice(0, raw.text.length)).toBe(raw.text);
    expect(privacy.flags).toMatchObject({ requires_human: true, severity: 'critical' });

    // The fitted input kept the user's text and the current checkpoint; the context made room.
    const fitted = r.wfInput.input as AgentTurnInput & { max_output_bytes: number };
    expect(fitted.text).toBe(raw.text);
    expect(fitted.checkpoint).toEqual(raw.checkpoint);
    expect(fitted.max_output_bytes).toBeGreaterThanOrEqual(2048);

    // Each agent's output (its redacted text aside) was cut to the turn's budget where it entered.
    const agentOutputs = r.outputs.filter((o) => typeof o.agent === 'string');
    expect(agentOutputs).toHaveLength(agents.length);
    for (const o of agentOutputs) {
      const { redacted_text: _, ...rest } = o;
      expect(jsonBytes(rest), String(o.agent)).toBeLessThanOrEqual(fitted.max_output_bytes);
    }

    const limit = WORKFLOW_PAYLOAD_LIMIT_BYTES;
    expect(jsonBytes(r.wfInput), 'execution input').toBeLessThanOrEqual(limit);
    expect(r.largestTaskPayload, 'largest Lambda payload').toBeLessThanOrEqual(limit);
    expect(r.largestState, `largest state (${r.largestStateName})`).toBeLessThanOrEqual(limit);
    expect(jsonBytes(r.output), 'execution output').toBeLessThanOrEqual(limit);
    // Computed, printed for the record.
    console.info(
      `payload bound: input ${jsonBytes(r.wfInput)} B, largest state ${r.largestState} B (${r.largestStateName}), largest task payload ${r.largestTaskPayload} B, output ${jsonBytes(r.output)} B, per-agent budget ${fitted.max_output_bytes} B, limit ${limit} B`,
    );
  });

  it('an ordinary turn keeps its context and gets the full per-agent budget', () => {
    const input: AgentTurnInput = {
      ...largestTurnInput(),
      text: 'I had oatmeal and took my pills',
      checkpoint: null,
      task_checkpoints: [],
      context: { summary: 'Turn 1: user said "hello".', recent: [{ turn: 1, user: 'hello', reply: 'Hi! How are you today?' }], turn_number: 2 },
    };
    const fitted = fitTurnInput(input, graphAgents(defaultRegistry()).length);
    expect(fitted.context).toEqual(input.context);
    expect(fitted.max_output_bytes).toBe(MAX_AGENT_OUTPUT_BYTES);
  });

  it('context is dropped oldest first, and only as much as the preferred budget needs', () => {
    const big = largestTurnInput();
    const input = { ...big, text: 'short text', checkpoint: null, task_checkpoints: [] };
    const fitted = fitTurnInput(input, graphAgents(defaultRegistry()).length);
    expect(fitted.max_output_bytes).toBeGreaterThanOrEqual(PREFERRED_AGENT_OUTPUT_BYTES);
    const kept = fitted.context.recent.map((r) => r.turn);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(10);
    expect(kept).toEqual(big.context.recent.slice(10 - kept.length).map((r) => r.turn)); // newest kept
  });
});
