import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry, type AgentRegistry } from '../../../functions/core/agent-graph.js';
import { buildDefinition } from '../../../lib/constructs/agent-workflow.js';
import { taskStates } from '../../../lib/asl-resolve.js';
import { modeFor, okAgent, runWorkflow, sleep, synthesizedAsl, turnInput, type FakeAgent } from './support.js';

const t = (iso?: string) => Date.parse(iso!);

let registry: AgentRegistry;
let asl: Record<string, unknown>;
beforeAll(() => {
  registry = defaultRegistry();
  asl = synthesizedAsl(registry).asl;
});

describe('the synthesized ASL', () => {
  it('is the generated definition, with every Task invoking the function the construct created', () => {
    const tasks = taskStates(asl);
    expect(tasks.map((s) => s.stateName).sort()).toEqual(
      [
        'Run checklist', 'Run followup', 'Run human_intervention', 'Run medication', 'Run nutrition', 'Run privacy',
        'Respond accountability', 'Respond loneliness', 'Respond primary', 'Respond therapy',
      ].sort(),
    );
    // Resolved from Fn::GetAtt: one function per agent, named by the construct's logical id.
    expect(tasks.find((s) => s.stateName === 'Run privacy')!.functionName).toMatch(/function:AgentFanoutAgentPrivacyFn[0-9A-F]{8}$/);
    const plain = buildDefinition(registry);
    expect(Object.keys((asl as { States: object }).States)).toEqual(Object.keys((plain as { States: object }).States));
  });

  it('uses JSONPath only, TimeoutSecondsPath from the input, Retry on transient Lambda errors only, Catch to a status', () => {
    const text = JSON.stringify(asl);
    expect(text).not.toContain('JSONata');
    const find = (scope: any): any => {
      for (const b of Object.values<any>(scope.States).flatMap((st) => st.Branches ?? [])) {
        if (b.StartAt === 'privacy?') return b;
        const hit = find(b);
        if (hit) return hit;
      }
    };
    const branch = find(asl);
    const task = branch.States['Run privacy'];
    expect(task.TimeoutSecondsPath).toBe('$.Payload.timeout_seconds');
    expect(branch.States['Start privacy'].Parameters['timeout_seconds.$']).toBe('$.timeouts.privacy');
    expect(task.Retry[0].ErrorEquals).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']));
    expect(task.Retry[0].ErrorEquals).not.toContain('States.ALL');
    expect(task.Catch.map((c: any) => c.ErrorEquals)).toEqual([['States.Timeout', 'AgentTimeoutError'], ['States.ALL']]);
  });
});

describe('running the workflow with fake agents (aws-local-stepfunctions)', () => {
  it('runs two independent agents concurrently (each starts before the other ends)', async () => {
    const { output } = await runWorkflow(asl, registry, {
      mode: modeFor(registry, ['followup', 'medication']),
      agents: { followup: okAgent('followup', 150), medication: okAgent('medication', 150) },
    });
    const f = output.agents.followup!;
    const m = output.agents.medication!;
    expect([f.status, m.status]).toEqual(['ok', 'ok']);
    expect(t(f.started_at)).toBeLessThan(t(m.ended_at));
    expect(t(m.started_at)).toBeLessThan(t(f.ended_at));
  });

  it('nutrition starts only after privacy and followup, gets their outputs and a flat AgentRequest', async () => {
    const { output, calls } = await runWorkflow(asl, registry, {
      mode: modeFor(registry, ['privacy', 'followup', 'nutrition']),
      agents: {
        privacy: okAgent('privacy', 80, { redactions: 1 }),
        followup: okAgent('followup', 120, { due: 'tomorrow' }),
        nutrition: okAgent('nutrition', 0, { meals: ['oatmeal'] }),
      },
    });
    const n = output.agents.nutrition!;
    expect(t(n.started_at)).toBeGreaterThanOrEqual(t(output.agents.privacy!.ended_at));
    expect(t(n.started_at)).toBeGreaterThanOrEqual(t(output.agents.followup!.ended_at));
    const req = calls.nutrition![0]!;
    expect(req.agent).toBe('nutrition');
    expect(req.text).toBe(turnInput.text);
    expect(req.conversation_id).toBe('c-1');
    expect(Object.keys(req.dependencies as object).sort()).toEqual(['followup', 'privacy']);
    expect((req.dependencies as any).privacy.findings).toEqual({ redactions: 1 });
    expect(output.responder.status).toBe('ok');
    expect(output.responder.output!.response).toBe('reply using followup,nutrition,privacy');
  });

  it('checklist (optional deps) sees the findings of the agents that ran before it, and only those', async () => {
    const { calls } = await runWorkflow(asl, registry, {
      mode: modeFor(registry, ['privacy', 'followup', 'nutrition', 'checklist']),
    });
    expect(Object.keys(calls.checklist![0]!.dependencies as object).sort()).toEqual(['followup', 'nutrition']);
  });

  it('a failing agent yields `error`, its dependents run without it, and the turn still answers', async () => {
    const boom: FakeAgent = async () => {
      throw new Error('privacy exploded');
    };
    const { output, calls } = await runWorkflow(asl, registry, {
      mode: modeFor(registry, ['privacy', 'followup', 'nutrition']),
      agents: { privacy: boom },
    });
    expect(output.agents.privacy).toMatchObject({ status: 'error', error: { Error: 'Error' }, out: {} });
    expect(calls.privacy).toHaveLength(1); // an agent's own error is not retried
    expect(Object.keys(calls.nutrition![0]!.dependencies as object)).toEqual(['followup']);
    expect(output.responder.status).toBe('ok');
    expect(output.responder.output!.response).toBe('reply using followup,nutrition');
  });

  it('retries a transient Lambda error (throttling) and then succeeds', async () => {
    let n = 0;
    const flaky: FakeAgent = async () => {
      if (n++ === 0) {
        const e = new Error('Rate exceeded');
        e.name = 'Lambda.TooManyRequestsException';
        throw e;
      }
      return { agent: 'medication', status: 'ok', findings: {}, flags: {} };
    };
    const { output, calls } = await runWorkflow(asl, registry, { mode: modeFor(registry, ['medication']), agents: { medication: flaky } });
    expect(calls.medication).toHaveLength(2);
    expect(output.agents.medication!.status).toBe('ok');
  });

  it('an agent over its timeout yields `timeout` and the turn goes on', async () => {
    const { output } = await runWorkflow(asl, registry, {
      mode: modeFor(registry, ['medication', 'privacy']),
      timeouts: { medication: 1 },
      agents: { medication: okAgent('medication', 1400) },
    });
    expect(output.agents.medication).toMatchObject({ status: 'timeout', error: { Error: 'States.Timeout' } });
    expect(output.agents.privacy!.status).toBe('ok');
    expect(output.responder.status).toBe('ok');
  });

  it('an HTTP agent that timed out (AgentTimeoutError) is reported as `timeout`', async () => {
    const slowHttp: FakeAgent = async () => {
      const e = new Error('agent nutrition timed out');
      e.name = 'AgentTimeoutError';
      throw e;
    };
    const { output } = await runWorkflow(asl, registry, { mode: modeFor(registry, ['followup', 'privacy', 'nutrition']), agents: { nutrition: slowHttp } });
    expect(output.agents.nutrition!.status).toBe('timeout');
  });

  it('an unselected agent does not run; a circuit-open one neither, and both are reported', async () => {
    const { output, calls } = await runWorkflow(asl, registry, { mode: modeFor(registry, ['privacy'], ['medication']) });
    expect(calls.nutrition).toBeUndefined();
    expect(calls.medication).toBeUndefined();
    expect(output.agents.nutrition).toEqual({ agent: 'nutrition', status: 'skipped', out: {} });
    expect(output.agents.medication).toEqual({ agent: 'medication', status: 'circuit_open', out: {} });
    expect(calls.privacy).toHaveLength(1);
  });

  it('routes to the requested specialist responder with the ok agent outputs', async () => {
    const { output, calls } = await runWorkflow(asl, registry, { mode: modeFor(registry, ['privacy']), responder: 'therapy' });
    expect(calls.primary).toBeUndefined();
    expect(calls.therapy![0]).toMatchObject({ responder: 'therapy', conversation_id: 'c-1' });
    expect(Object.keys(calls.therapy![0]!.agent_results as object)).toEqual(['privacy']);
    expect(output.responder).toMatchObject({ name: 'therapy', status: 'ok' });
  });

  it('a failing responder is reported `error` with the agents still there', async () => {
    const { output } = await runWorkflow(asl, registry, {
      mode: modeFor(registry, ['privacy']),
      agents: {
        primary: async () => {
          await sleep(1);
          throw new Error('llm down');
        },
      },
    });
    expect(output.responder).toMatchObject({ name: 'primary', status: 'error' });
    expect(output.responder.output).toBeUndefined();
    expect(output.agents.privacy!.status).toBe('ok');
  });
});
