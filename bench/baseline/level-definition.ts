/**
 * BASELINE for the fan-out benchmark only: the level-per-Parallel ASL the workflow used before the
 * series-parallel generator (each topological level one Parallel state, so an agent waits for the slowest
 * agent of the level before it). Kept so `npm run bench` measures both in the same run. Not deployed.
 */
import {
  agentTaskStateName,
  graphAgents,
  RESPONDERS,
  responderTaskStateName,
  topologicalLevels,
  validateRegistry,
  type AgentConfig,
  type AgentRegistry,
} from '../../functions/core/agent-graph.js';
import { mergedField, placeholderArn, retryFor, TIMEOUT_ERRORS, type AslObject } from '../../lib/fanout-definition.js';

function agentBranch(registry: AgentRegistry, name: string, depPaths: string[], arn: string): AslObject {
  const agent = registry.agents[name]!;
  const s = {
    choice: `${name}?`,
    start: `Start ${name}`,
    run: agentTaskStateName(name),
    done: `${name} done`,
    failed: `${name} failed`,
    timedOut: `${name} timed out`,
    skipped: `${name} skipped`,
    open: `${name} circuit open`,
  };
  const ended = (status: string): AslObject => ({
    Type: 'Pass',
    Parameters: {
      agent: name,
      status,
      'started_at.$': '$.Payload.started_at',
      'ended_at.$': '$$.State.EnteredTime',
      'error.$': '$.error',
      out: {},
    },
    End: true,
  });
  const retry = retryFor(registry, agent);
  return {
    StartAt: s.choice,
    States: {
      [s.choice]: {
        Type: 'Choice',
        Choices: [
          { Variable: `$.mode.${name}`, IsPresent: false, Next: s.skipped },
          { Variable: `$.mode.${name}`, StringEquals: 'run', Next: s.start },
          { Variable: `$.mode.${name}`, StringEquals: 'circuit_open', Next: s.open },
        ],
        Default: s.skipped,
      },
      [s.start]: {
        Type: 'Pass',
        Parameters: {
          'started_at.$': '$$.State.EnteredTime',
          'timeout_seconds.$': `$.timeouts.${name}`,
          req: { agent: name, ...mergedField('dependencies', depPaths), 'timeout_seconds.$': `$.timeouts.${name}` },
        },
        // At `$.Payload` so that TimeoutSecondsPath `$.Payload.timeout_seconds` resolves both against the raw
        // state input and against the effective input after Parameters ({ FunctionName, Payload }), which is
        // what aws-local-stepfunctions reads.
        ResultPath: '$.Payload',
        Next: s.run,
      },
      [s.run]: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: arn, 'Payload.$': 'States.JsonMerge($.input, $.Payload.req, false)' },
        TimeoutSecondsPath: '$.Payload.timeout_seconds',
        ResultSelector: { 'output.$': '$.Payload' },
        ResultPath: '$.result',
        ...(retry ? { Retry: retry } : {}),
        Catch: [
          { ErrorEquals: TIMEOUT_ERRORS, ResultPath: '$.error', Next: s.timedOut },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: s.failed },
        ],
        Next: s.done,
      },
      [s.done]: {
        Type: 'Pass',
        Parameters: {
          agent: name,
          status: 'ok',
          'started_at.$': '$.Payload.started_at',
          'ended_at.$': '$$.State.EnteredTime',
          out: { [`${name}.$`]: '$.result.output' },
        },
        End: true,
      },
      [s.timedOut]: ended('timeout'),
      [s.failed]: ended('error'),
      [s.skipped]: { Type: 'Pass', Parameters: { agent: name, status: 'skipped', out: {} }, End: true },
      [s.open]: { Type: 'Pass', Parameters: { agent: name, status: 'circuit_open', out: {} }, End: true },
    },
  };
}

/**
 * Generate the ASL of the fan-out workflow from a registry. `arnFor` gives the function each Task invokes
 * (CDK tokens in the construct; placeholders by default). Pure: tests check the ASL without synth.
 */
export function buildLevelDefinition(registry: AgentRegistry, arnFor: (agent: AgentConfig) => string = placeholderArn): AslObject {
  validateRegistry(registry);
  const levels = topologicalLevels(registry, graphAgents(registry));
  const levelOf = new Map<string, number>();
  levels.forEach((l, i) => l.forEach((n) => levelOf.set(n, i)));
  const outPath = (n: string): string => `$.levels.l${levelOf.get(n)}.${n}.out`;

  const states: Record<string, AslObject> = {};
  const levelName = (i: number): string => `Level ${i}`;
  levels.forEach((names, i) => {
    states[levelName(i)] = {
      Type: 'Parallel',
      Comment: `Agents with no unmet dependency at this point: ${names.join(', ')}`,
      Branches: names.map((n) => {
        const agent = registry.agents[n]!;
        const deps = [...agent.dependencies, ...agent.after].filter((d) => levelOf.has(d)).sort();
        return agentBranch(registry, n, deps.map(outPath), arnFor(agent));
      }),
      ResultSelector: Object.fromEntries(names.map((n, b) => [`${n}.$`, `$[${b}]`])),
      ResultPath: `$.levels.l${i}`,
      Next: i + 1 < levels.length ? levelName(i + 1) : 'Collect results',
    };
  });

  const allAgents = levels.flat().sort();
  states['Collect results'] = {
    Type: 'Pass',
    Comment: 'The ok outputs of every agent, for the responder (ResponderRequest.agent_results).',
    Parameters: mergedField('agent_results', allAgents.map(outPath)),
    ResultPath: '$.collected',
    Next: 'Route responder',
  };
  const levelPaths = levels.map((_, i) => `$.levels.l${i}`);
  const agentsField = mergedField('agents', levelPaths);

  const responders = RESPONDERS.filter((r) => registry.agents[r]);
  states['Route responder'] = {
    Type: 'Choice',
    Choices: responders.map((r) => ({ Variable: '$.responder', StringEquals: r, Next: `Start ${r}` })),
    Default: 'Start primary',
  };
  for (const r of responders) {
    const agent = registry.agents[r]!;
    const retry = retryFor(registry, agent);
    const finish = (status: string, extra: Record<string, unknown>): AslObject => ({
      Type: 'Pass',
      Parameters: {
        ...agentsField,
        responder: { name: r, status, 'started_at.$': '$.Payload.started_at', 'ended_at.$': '$$.State.EnteredTime', ...extra },
      },
      End: true,
    });
    states[`Start ${r}`] = {
      Type: 'Pass',
      Parameters: {
        'started_at.$': '$$.State.EnteredTime',
        'timeout_seconds.$': `$.timeouts.${r}`,
        req: { responder: r, 'timeout_seconds.$': `$.timeouts.${r}` },
      },
      ResultPath: '$.Payload',
      Next: responderTaskStateName(r),
    };
    states[responderTaskStateName(r)] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: arnFor(agent),
        'Payload.$': 'States.JsonMerge(States.JsonMerge($.input, $.collected, false), $.Payload.req, false)',
      },
      TimeoutSecondsPath: '$.Payload.timeout_seconds',
      ResultSelector: { 'output.$': '$.Payload' },
      ResultPath: '$.responder_result',
      ...(retry ? { Retry: retry } : {}),
      Catch: [
        { ErrorEquals: TIMEOUT_ERRORS, ResultPath: '$.error', Next: `Responder ${r} timed out` },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `Responder ${r} failed` },
      ],
      Next: `Responder ${r} done`,
    };
    states[`Responder ${r} done`] = finish('ok', { 'output.$': '$.responder_result.output' });
    states[`Responder ${r} timed out`] = finish('timeout', { 'error.$': '$.error' });
    states[`Responder ${r} failed`] = finish('error', { 'error.$': '$.error' });
  }

  return {
    Comment: 'Polaris agent fan-out: agent graph by topological level, then the routed responder (generated from the agent registry)',
    StartAt: levels.length > 0 ? levelName(0) : 'Collect results',
    States: states,
  };
}

