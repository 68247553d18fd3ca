/**
 * Step Functions for the local stack: serves `StartSyncExecution` (AWS JSON 1.0 protocol) by running the
 * state machine's ASL — resolved from the synthesized template — with aws-local-stepfunctions. Every Task
 * that invokes a Lambda (`arn:aws:states:::lambda:invoke` or a function ARN) runs in the local Lambda runtime.
 * As in AWS, a FAILED execution still answers HTTP 200 with `status: FAILED`.
 * (Only lambda:invoke tasks are mapped: that is the only integration the generated workflow uses.)
 */
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalLambdaRuntime } from './lambda-runtime.js';
import { LambdaInvokeError } from './lambda-runtime.js';
import { localExecutionContext, localTaskHandlers } from '../lib/asl-resolve.js';
import type { LocalStateMachine } from './template.js';
import { close, listen, readBody, sendJson } from './http-util.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type TaskHandlers = Record<string, (input: Json) => Promise<Json>>;

/** A task failure carrying the function's error type as its name, which Retry/Catch match on. */
function taskError(err: unknown): Error {
  if (err instanceof LambdaInvokeError) {
    const e = new Error(err.errorMessage);
    e.name = err.errorType;
    return e;
  }
  const e = new Error(err instanceof Error ? err.message : String(err));
  e.name = err instanceof Error && err.name === 'ResourceNotFoundException' ? 'Lambda.ResourceNotFoundException' : 'Lambda.ServiceException';
  return e;
}

/** Every lambda:invoke Task of the definition runs in the local Lambda runtime. */
function handlersFor(definition: Record<string, unknown>, runtime: LocalLambdaRuntime) {
  return localTaskHandlers(definition, async (functionName, payload) => {
    try {
      return await runtime.invoke(functionName ?? '', payload ?? {});
    } catch (err) {
      throw taskError(err);
    }
  });
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  durationMs: number;
}

export interface LocalSfn {
  endpoint: string;
  /** The most recent executions (bounded), for tests and the console. */
  executions: ExecutionRecord[];
  stop(): Promise<void>;
}

export interface ExecutionRecord {
  error?: string;
  cause?: string;
}

export async function startLocalSfn(options: {
  port?: number;
  host?: string;
  stateMachines: LocalStateMachine[];
  runtime: LocalLambdaRuntime;
  /** Called after each execution (the launcher prints failures). */
  onExecution?: (record: ExecutionRecord) => void;
}): Promise<LocalSfn> {
  const machines = new Map(
    options.stateMachines.map((m) => [
      m.arn,
      { meta: m, machine: new StateMachine(m.definition as never, { validationOptions: { checkArn: false, checkPaths: true } }), handlers: handlersFor(m.definition, options.runtime) as TaskHandlers },
    ]),
  );
  const executions: ExecutionRecord[] = [];

  const server = http.createServer(async (req, res) => {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
      if (target !== 'AWSStepFunctions.StartSyncExecution') {
        return sendJson(res, 400, { __type: 'UnknownOperationException', message: `the local Step Functions serves StartSyncExecution only, not ${target}` });
      }
      const arn = String(body.stateMachineArn ?? '');
      const entry = machines.get(arn);
      if (!entry) return sendJson(res, 400, { __type: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${arn}'` });
      if (entry.meta.type !== 'EXPRESS') {
        return sendJson(res, 400, { __type: 'StateMachineTypeNotSupported', message: 'StartSyncExecution needs an EXPRESS state machine' });
      }
      const name = String(body.name ?? randomUUID());
      const executionArn = `${arn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`;
      const input = JSON.parse(String(body.input ?? '{}')) as Json;
      const started = Date.now();
      const base = { executionArn, stateMachineArn: arn, name, startDate: started / 1000, input: JSON.stringify(input) };
      let result: Record<string, unknown>;
      try {
        const execution = entry.machine.run(input, {
          overrides: { taskResourceLocalHandlers: entry.handlers as never },
          // $$.State.EnteredTime is read by the workflow to time each agent; the emulator leaves it unset.
          context: {
            ...localExecutionContext(),
            Execution: { Id: executionArn, Name: name, StartTime: new Date(started).toISOString(), Input: input },
          } as never,
        });
        const output = await execution.result;
        result = { ...base, status: 'SUCCEEDED', output: JSON.stringify(output) };
      } catch (err) {
        const e = err as Error & { cause?: { name?: string; message?: string } };
        const timedOut = e.name === 'ExecutionTimeoutError';
        result = {
          ...base,
          status: timedOut ? 'TIMED_OUT' : 'FAILED',
          error: timedOut ? 'States.Timeout' : (e.cause?.name ?? e.name ?? 'States.Runtime'),
          cause: e.cause?.message ?? e.message,
        };
      }
      const stopped = Date.now();
      const record: ExecutionRecord = {
        executionArn,
        stateMachineArn: arn,
        status: result.status as ExecutionRecord['status'],
        durationMs: stopped - started,
        ...(result.error ? { error: String(result.error), cause: String(result.cause ?? '') } : {}),
      };
      executions.push(record);
      options.onExecution?.(record);
      if (executions.length > 100) executions.shift();
      sendJson(res, 200, { ...result, stopDate: stopped / 1000, billingDetails: { billedDurationInMilliseconds: stopped - started, billedMemoryUsedInMB: 64 } }, {
        'content-type': 'application/x-amz-json-1.0',
      });
    } catch (err) {
      sendJson(res, 500, { __type: 'InternalFailure', message: (err as Error).message });
    }
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return { endpoint: `http://${host}:${port}`, executions, stop: () => close(server) };
}
