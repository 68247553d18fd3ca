/**
 * Workflow test support: synthesize a small stack with the AgentWorkflow construct (bundling skipped),
 * resolve the state machine's DefinitionString to plain ASL, and run it with aws-local-stepfunctions with
 * fake agents keyed by Task state name.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { StateMachine } from 'aws-local-stepfunctions';
import { AgentWorkflow } from '../../../lib/constructs/agent-workflow.js';
import type { SyncExecutionClient } from '../../../functions/adapters/fanout.js';
import { localExecutionContext, localTaskHandlers, resolveDefinition, stateMachineLogicalIds, type CfnTemplate } from '../../../lib/asl-resolve.js';
import {
  agentTaskStateName,
  graphAgents,
  RESPONDERS,
  responderTaskStateName,
  type AgentRegistry,
  type WorkflowInput,
  type WorkflowOutput,
} from '../../../functions/core/agent-graph.js';
import { CONTRACT_VERSION, type AgentOutput, type AgentTurnInput, type ResponderOutput } from '../../../functions/contracts/agent.js';

/** The ASL exactly as the construct synthesizes it. */
export function synthesizedAsl(registry: AgentRegistry): { asl: Record<string, unknown>; template: CfnTemplate } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'WorkflowTest', { env: { account: '123456789012', region: 'us-east-1' } });
  new AgentWorkflow(stack, 'AgentFanout', {
    registry,
    logRetention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    logLevel: 'ERROR',
  });
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const [id] = stateMachineLogicalIds(template);
  return { asl: resolveDefinition(template, id!), template };
}

export const turnInput: AgentTurnInput = {
  contract_version: CONTRACT_VERSION,
  text: 'I had oatmeal and took my pills',
  conversation_id: 'c-1',
  individual_id: 'i-1',
  user_profile_id: 'u-1',
  agent_instance_id: 'a-1',
  call_log_id: 'call-1',
  plan: 'diabetes',
  channel: null,
  detected_agent: 'general',
  task: null,
  checkpoint: null,
  task_checkpoints: [],
  context: { summary: '', recent: [], turn_number: 1 },
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake agent: records its request, waits, answers an ok output (or throws). */
export type FakeAgent = (req: Record<string, unknown>) => Promise<unknown>;

export function okAgent(name: string, delayMs = 0, findings: Record<string, unknown> = {}): FakeAgent {
  return async () => {
    await sleep(delayMs);
    return { agent: name, status: 'ok', findings, flags: {} } satisfies AgentOutput;
  };
}

export function okResponder(name: string): FakeAgent {
  return async (req) =>
    ({
      responder: name as ResponderOutput['responder'],
      response: `reply using ${Object.keys((req.agent_results as object) ?? {}).sort().join(',')}`,
      is_enriched: true,
      asks_checkpoint_id: null,
    }) satisfies ResponderOutput;
}

/** Run the ASL with fake agents; returns the output and every request each fake got. */
export async function runWorkflow(
  asl: Record<string, unknown>,
  registry: AgentRegistry,
  args: { mode: WorkflowInput['mode']; responder?: string; timeouts?: Record<string, number>; agents?: Record<string, FakeAgent> },
): Promise<{ output: WorkflowOutput<AgentOutput, ResponderOutput>; calls: Record<string, Array<Record<string, unknown>>> }> {
  const calls: Record<string, Array<Record<string, unknown>>> = {};
  const handlers: Record<string, (input: { FunctionName: string; Payload: Record<string, unknown> }) => Promise<{ Payload: unknown }>> = {};
  const names = [...graphAgents(registry), ...RESPONDERS];
  for (const name of names) {
    const isResponder = (RESPONDERS as readonly string[]).includes(name);
    const fake = args.agents?.[name] ?? (isResponder ? okResponder(name) : okAgent(name));
    handlers[isResponder ? responderTaskStateName(name) : agentTaskStateName(name)] = async (input) => {
      (calls[name] ??= []).push(input.Payload);
      return { Payload: await fake(input.Payload) };
    };
  }
  const timeouts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 5]));
  const input: WorkflowInput = {
    input: turnInput,
    mode: args.mode,
    timeouts: { ...timeouts, ...args.timeouts },
    responder: args.responder ?? 'primary',
  };
  const execution = new StateMachine(asl as never).run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((s) => [s, 0])) },
    context: localExecutionContext() as never,
  });
  const output = (await execution.result) as unknown as WorkflowOutput<AgentOutput, ResponderOutput>;
  return { output, calls };
}

/** Mode for every graph agent: those listed run, the rest are skipped. */
export function modeFor(registry: AgentRegistry, run: string[], circuitOpen: string[] = []): WorkflowInput['mode'] {
  return Object.fromEntries(
    graphAgents(registry).map((n) => [n, run.includes(n) ? 'run' : circuitOpen.includes(n) ? 'circuit_open' : 'skipped']),
  );
}

/**
 * A stand-in SFN client whose StartSyncExecution runs the ASL locally (what the local stack does), with
 * `invoke` answering each Lambda invocation by function ARN. Throwing agents become FunctionError results.
 */
export function localSfnClient(
  asl: Record<string, unknown>,
  invoke: (functionName: string | undefined, payload: Record<string, unknown>, stateName: string) => Promise<unknown>,
  options: { failWith?: string } = {},
) {
  const executions: Array<Record<string, unknown>> = [];
  const client = {
    executions,
    send: async (command: { input: { input?: string } }, opts?: { abortSignal?: AbortSignal }): Promise<{ status: string; output?: string; error?: string }> => {
      const input = JSON.parse(command.input.input ?? '{}') as Record<string, unknown>;
      executions.push(input);
      if (options.failWith) return { status: options.failWith, error: 'States.Runtime' };
      const run = new StateMachine(asl as never).run(input as never, {
        overrides: {
          taskResourceLocalHandlers: localTaskHandlers(asl, (fn, payload, state) => invoke(fn, payload as Record<string, unknown>, state)) as never,
        },
        context: localExecutionContext() as never,
      });
      const aborted = new Promise<never>((_, reject) => {
        opts?.abortSignal?.addEventListener('abort', () => {
          run.abort();
          const e = new Error('aborted');
          e.name = 'AbortError';
          reject(e);
        });
      });
      const output = await Promise.race([run.result, aborted]);
      return { status: 'SUCCEEDED', output: JSON.stringify(output) };
    },
  };
  return client as unknown as SyncExecutionClient & { executions: Array<Record<string, unknown>> };
}
