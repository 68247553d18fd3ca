/**
 * Turn a synthesized state machine's DefinitionString (an Fn::Join of literal text and Fn::GetAtt / Ref to
 * the functions) back into plain ASL, so the very definition that deploys can run in aws-local-stepfunctions
 * (tests, the local stack, the benchmark). Also: the Task states of a definition, and a context object that
 * gives `$$.State.EnteredTime` (aws-local-stepfunctions does not provide it).
 */

/** A CloudFormation template as JSON (only what is read here). */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** A definition could not be resolved (names the logical id or the intrinsic). */
export class AslResolveError extends Error {
  override readonly name = 'AslResolveError';
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
};

function resolveValue(value: unknown, arnFor: (logicalId: string, attribute: string) => string): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => resolveValue(p, arnFor)).join(sep);
    }
    if ('Fn::GetAtt' in v) {
      const att = v['Fn::GetAtt'];
      const [id, attribute] = Array.isArray(att) ? (att as [string, string]) : String(att).split('.');
      return arnFor(id!, attribute ?? 'Arn');
    }
    if ('Ref' in v) {
      const ref = String(v.Ref);
      return PSEUDO[ref] ?? arnFor(ref, 'Ref');
    }
  }
  throw new AslResolveError(`unsupported intrinsic in DefinitionString: ${JSON.stringify(value).slice(0, 200)}`);
}

/**
 * The plain ASL of state machine `logicalId` in `template`. `arnFor(logicalId, attribute)` supplies the
 * value of each Fn::GetAtt/Ref (e.g. a local function ARN). Default: a fake Lambda ARN named after the
 * logical id, so a Task's FunctionName tells which function it meant.
 */
export function resolveDefinition(
  template: CfnTemplate,
  logicalId: string,
  arnFor: (logicalId: string, attribute: string) => string = (id) => `arn:aws:lambda:us-east-1:123456789012:function:${id}`,
): Record<string, unknown> {
  const resource = template.Resources[logicalId];
  if (!resource || resource.Type !== 'AWS::StepFunctions::StateMachine') {
    throw new AslResolveError(`${logicalId} is not an AWS::StepFunctions::StateMachine in the template`);
  }
  const text = resolveValue(resource.Properties?.DefinitionString, arnFor);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Logical ids of the state machines of a template (to find the fan-out one). */
export function stateMachineLogicalIds(template: CfnTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id]) => id);
}

/** Every Task state of a definition (nested Parallel/Map branches included), with the function it invokes. */
export function taskStates(asl: Record<string, unknown>): Array<{ stateName: string; functionName: string | undefined }> {
  const out: Array<{ stateName: string; functionName: string | undefined }> = [];
  const walk = (machine: { States?: Record<string, Record<string, unknown>> }): void => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      if (state.Type === 'Task') {
        const params = state.Parameters as Record<string, unknown> | undefined;
        out.push({ stateName: name, functionName: typeof params?.FunctionName === 'string' ? params.FunctionName : undefined });
      }
      for (const b of (state.Branches as unknown[] | undefined) ?? []) walk(b as never);
      const iterator = (state.ItemProcessor ?? state.Iterator) as object | undefined;
      if (iterator) walk(iterator as never);
    }
  };
  walk(asl as never);
  return out;
}

/**
 * A context object for aws-local-stepfunctions' `run(input, { context })` whose `$$.State.EnteredTime` is
 * the time the path is read (i.e. when the state processes its Parameters, as on AWS), which the generated
 * workflow uses to record agent start/end times. The library copies the object by reference into every
 * state (Parallel branches included), so the getter stays live.
 */
export function localExecutionContext(): Record<string, unknown> {
  return {
    State: {
      get EnteredTime(): string {
        return new Date().toISOString();
      },
      Name: 'local',
      RetryCount: 0,
    },
  };
}

/** A local stand-in for one Lambda invocation: the function (ARN as in the ASL) and its event. */
export type LocalInvoke = (functionName: string | undefined, payload: unknown, stateName: string) => Promise<unknown>;

/**
 * `taskResourceLocalHandlers` for aws-local-stepfunctions: every Task state of the definition (an
 * `arn:aws:states:::lambda:invoke` task) calls `invoke(FunctionName, Payload)` and returns `{ Payload }`,
 * the shape the lambda:invoke integration gives the state machine.
 */
export function localTaskHandlers(
  asl: Record<string, unknown>,
  invoke: LocalInvoke,
): Record<string, (input: { FunctionName?: string; Payload?: unknown }) => Promise<{ Payload: unknown }>> {
  return Object.fromEntries(
    taskStates(asl).map(({ stateName }) => [
      stateName,
      async (input: { FunctionName?: string; Payload?: unknown }) => ({ Payload: await invoke(input.FunctionName, input.Payload, stateName) }),
    ]),
  );
}

/**
 * aws-local-stepfunctions implements `States.JsonMerge(a, b, false)` as `Object.assign(a, b)`: it MUTATES
 * its first argument, so `States.JsonMerge($.input, …)` grows `$.input` in the state (AWS's is pure). This
 * rewrites every JsonMerge's first argument `a` to a fresh shallow copy,
 * `States.JsonMerge(States.StringToJson('{}'), a, false)` — the same value on AWS — so a local run's state
 * matches AWS's. Needed where state sizes are measured.
 */
export function withPureJsonMerge<T>(asl: T): T {
  const CALL = 'States.JsonMerge(';
  const rewrite = (s: string): string => {
    let out = s;
    for (let i = out.lastIndexOf(CALL); i !== -1; i = i === 0 ? -1 : out.lastIndexOf(CALL, i - 1)) {
      const start = i + CALL.length;
      let depth = 0;
      let end = start;
      for (; end < out.length; end++) {
        const c = out[end];
        if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (c === ',' && depth === 0) break;
      }
      const first = out.slice(start, end).trim();
      out = `${out.slice(0, start)}States.JsonMerge(States.StringToJson('{}'), ${first}, false)${out.slice(end)}`;
    }
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(CALL) ? rewrite(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(asl) as T;
}
