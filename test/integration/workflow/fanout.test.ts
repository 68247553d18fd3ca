import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepFunctionsFanout, createFanoutFromEnv, FanoutConfigError } from '../../../functions/adapters/fanout.js';
import { DynamoCircuitBreakers, type AgentBreakers } from '../../../functions/adapters/circuit-breaker.js';
import { defaultRegistry, UnknownServiceError, type AgentRegistry } from '../../../functions/core/agent-graph.js';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';
import { localSfnClient, okAgent, okResponder, sleep, synthesizedAsl, turnInput, type FakeAgent } from './support.js';

let registry: AgentRegistry;
let asl: Record<string, unknown>;
beforeAll(() => {
  registry = defaultRegistry();
  asl = synthesizedAsl(registry).asl;
});

/** Fake agents by name; the Task state name says which agent/responder is invoked. */
function agents(overrides: Record<string, FakeAgent> = {}) {
  const calls: string[] = [];
  const invoke = async (_fn: string | undefined, payload: Record<string, unknown>, state: string) => {
    const name = state.replace(/^(Run|Respond) /, '');
    calls.push(name);
    const fake = overrides[name] ?? (state.startsWith('Respond') ? okResponder(name) : okAgent(name, 5, { seen: true }));
    return fake(payload);
  };
  return { calls, invoke };
}

const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:fanout';

describe('StepFunctionsFanout over the local workflow', () => {
  it('selects requested services + dependencies + core agents, and lists async agents apart', async () => {
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, agents().invoke) });
    expect(await fanout.select(['nutrition', 'history'])).toEqual({
      run: ['followup', 'human_intervention', 'nutrition', 'privacy'],
      circuit_open: [],
      async: ['history'],
    });
    await expect(fanout.select(['astrology'])).rejects.toBeInstanceOf(UnknownServiceError);
  });

  it('runs a turn: every sync agent reported with status and latency, the responder output validated', async () => {
    const fake = agents();
    const client = localSfnClient(asl, fake.invoke);
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client });
    const selection = await fanout.select(['nutrition']);
    const result = await fanout.run({ input: turnInput, selection, responder: 'primary', deadline: Date.now() + 27_000 });

    expect(Object.keys(result.agents).sort()).toEqual(['checklist', 'followup', 'human_intervention', 'medication', 'nutrition', 'privacy']);
    for (const name of selection.run) {
      expect(result.agents[name]).toMatchObject({ agent: name, status: 'ok', output: { agent: name, findings: { seen: true } } });
      expect(result.agents[name]!.latency_ms).toEqual(expect.any(Number));
    }
    expect(result.agents.medication).toEqual({ agent: 'medication', status: 'skipped', latency_ms: null });
    expect(result.responder).toMatchObject({ name: 'primary', status: 'ok', output: { responder: 'primary', is_enriched: true } });
    expect(result.responder.output!.response).toBe('reply using followup,human_intervention,nutrition,privacy');
    expect(fake.calls).not.toContain('medication');

    // The execution input: every graph agent has a mode and every agent/responder a whole-second timeout.
    const input = client.executions[0]! as { mode: Record<string, string>; timeouts: Record<string, number>; responder: string };
    expect(input.mode).toMatchObject({ nutrition: 'run', medication: 'skipped', checklist: 'skipped' });
    expect(input.responder).toBe('primary');
    for (const v of Object.values(input.timeouts)) expect(Number.isInteger(v) && v >= 1).toBe(true);
  });

  it('an open breaker: the agent is reported circuit_open and never invoked', async () => {
    const breakers: AgentBreakers = {
      admit: async (names) => ({ allowed: names.filter((n) => n !== 'medication'), open: names.filter((n) => n === 'medication') }),
      record: async () => {},
    };
    const fake = agents();
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, fake.invoke), breakers });
    const selection = await fanout.select(['medication']);
    expect(selection.circuit_open).toEqual(['medication']);
    const result = await fanout.run({ input: turnInput, selection, responder: 'primary', deadline: Date.now() + 27_000 });
    expect(result.agents.medication).toEqual({ agent: 'medication', status: 'circuit_open', latency_ms: null });
    expect(fake.calls).not.toContain('medication');
  });

  it('an agent output that breaks the contract is an error, not passed on', async () => {
    const fake = agents({ privacy: async () => ({ agent: 'privacy', status: 'fine' }) });
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, fake.invoke) });
    const result = await fanout.run({ input: turnInput, selection: await fanout.select([]), responder: 'primary', deadline: Date.now() + 27_000 });
    expect(result.agents.privacy).toMatchObject({ status: 'error', error: { type: 'ContractViolation' } });
    expect(result.agents.privacy!.output).toBeUndefined();
  });

  it('a FAILED execution (HTTP 200!) reports every selected agent as error and no responder output', async () => {
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, agents().invoke, { failWith: 'FAILED' }) });
    const selection = await fanout.select(['followup']);
    const result = await fanout.run({ input: turnInput, selection, responder: 'therapy', deadline: Date.now() + 27_000 });
    expect(result.agents.followup).toMatchObject({ status: 'error', latency_ms: null, error: { type: 'Workflow.FAILED' } });
    expect(result.agents.medication!.status).toBe('skipped');
    expect(result.responder).toEqual({ name: 'therapy', status: 'error', latency_ms: null });
  });

  it('answers by the deadline even when the workflow does not: selected agents and responder → timeout', async () => {
    const fake = agents({ privacy: okAgent('privacy', 4000) });
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, fake.invoke), budget: { safetyMarginMs: 0 } });
    const selection = await fanout.select([]);
    const result = await fanout.run({ input: turnInput, selection, responder: 'primary', deadline: Date.now() + 800 });
    expect(result.agents.privacy).toMatchObject({ status: 'timeout', error: { type: 'Workflow.DeadlineExceeded' } });
    expect(result.responder.status).toBe('timeout');
    expect(result.responder.output).toBeUndefined();
    await sleep(10);
  });

  it('record(): ok → success, error/timeout → failure, skipped/circuit_open and workflow failures ignored', async () => {
    const seen: Array<Record<string, string>> = [];
    const breakers: AgentBreakers = { admit: async (n) => ({ allowed: [...n], open: [] }), record: async (o) => void seen.push(o) };
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, agents().invoke), breakers });
    await fanout.record({
      privacy: { agent: 'privacy', status: 'ok', latency_ms: 3 },
      followup: { agent: 'followup', status: 'timeout', latency_ms: 1000 },
      nutrition: { agent: 'nutrition', status: 'error', latency_ms: 3, error: { type: 'Error', message: 'x' } },
      medication: { agent: 'medication', status: 'circuit_open', latency_ms: null },
      checklist: { agent: 'checklist', status: 'error', latency_ms: null, error: { type: 'Workflow.FAILED', message: 'x' } },
    });
    expect(seen).toEqual([{ privacy: 'success', followup: 'failure', nutrition: 'failure' }]);
  });
});

describe('fan-out with DynamoDB circuit breakers (dynalite)', () => {
  let db: DynaliteHandle;
  beforeAll(async () => {
    db = await startDynalite({ tableName: 'fanout-breakers' });
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('failing turns open the breaker; the next turn skips the agent at no cost', async () => {
    const clock = { now: () => 10_000_000 };
    const breakers = new DynamoCircuitBreakers({ client: db.client, tableName: db.tableName, clock, cacheTtlMs: 0, policyFor: () => ({ failure_threshold: 2, cool_down_seconds: 30 }) });
    const failing = agents({
      medication: async () => {
        throw new Error('down');
      },
    });
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: arn, client: localSfnClient(asl, failing.invoke), breakers });
    for (let i = 0; i < 2; i++) {
      const r = await fanout.run({ input: turnInput, selection: await fanout.select(['medication']), responder: 'primary', deadline: Date.now() + 27_000 });
      expect(r.agents.medication!.status).toBe('error');
      await fanout.record(r.agents);
    }
    const selection = await fanout.select(['medication']);
    expect(selection).toMatchObject({ circuit_open: ['medication'] });
    const r = await fanout.run({ input: turnInput, selection, responder: 'primary', deadline: Date.now() + 27_000 });
    expect(r.agents.medication!.status).toBe('circuit_open');
    expect(failing.calls.filter((c) => c === 'medication')).toHaveLength(2);
  });

  it('createFanoutFromEnv wires STATE_MACHINE_ARN and TABLE_NAME, and refuses a missing ARN', () => {
    expect(() => createFanoutFromEnv({ env: {}, registry })).toThrow(FanoutConfigError);
    const f = createFanoutFromEnv({ env: { STATE_MACHINE_ARN: arn, TABLE_NAME: db.tableName }, registry, documentClient: db.client });
    expect(f).toBeInstanceOf(StepFunctionsFanout);
  });
});
