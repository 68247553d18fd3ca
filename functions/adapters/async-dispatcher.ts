/**
 * AsyncDispatcher over Lambda's async invocation (InvocationType=Event): the checkpoint generator and
 * async agents (history) run after the turn is committed. Lambda queues the event, retries twice and
 * sends what still fails, with its payload, to the on-failure destination (the DLQ) — nothing is lost
 * and the turn never waits on this work.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { AgentTurnInput, CheckpointGenerationRequest } from '../contracts/agent.js';
import type { AsyncDispatcher } from '../core/ports.js';
import type { MemoryWriteRequest } from '../core/memory/schema.js';

/** Raised when the async invocation itself was refused (not when the function later fails). */
export class AsyncDispatchError extends Error {
  override readonly name = 'AsyncDispatchError';
  constructor(
    readonly target: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`async invoke of ${target} failed: ${message}`, options);
  }
}

export interface LambdaAsyncDispatcherOptions {
  client: LambdaClient;
  checkpointGeneratorFunction: string;
  /** Async agent name → function name (from the stack's ASYNC_AGENT_FUNCTIONS). */
  asyncAgentFunctions: Record<string, string>;
  /** The memory writer function (MEMORY_WRITER_FUNCTION); without it no memory is written. */
  memoryWriterFunction?: string;
}

export class LambdaAsyncDispatcher implements AsyncDispatcher {
  constructor(private readonly options: LambdaAsyncDispatcherOptions) {}

  async generateCheckpoints(request: CheckpointGenerationRequest): Promise<void> {
    await this.invoke(this.options.checkpointGeneratorFunction, request);
  }

  async runAsyncAgent(agent: string, input: AgentTurnInput): Promise<void> {
    const fn = this.options.asyncAgentFunctions[agent];
    if (!fn) throw new AsyncDispatchError(agent, `no function is configured for async agent "${agent}"`);
    await this.invoke(fn, { ...input, agent, dependencies: {} });
  }

  async writeMemory(request: MemoryWriteRequest): Promise<void> {
    if (!this.options.memoryWriterFunction) throw new AsyncDispatchError('memory-writer', 'no memory writer function is configured');
    await this.invoke(this.options.memoryWriterFunction, request);
  }

  private async invoke(functionName: string, payload: unknown): Promise<void> {
    try {
      const out = await this.options.client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }),
      );
      if (out.StatusCode !== 202) throw new Error(`unexpected status ${out.StatusCode}`);
    } catch (err) {
      throw new AsyncDispatchError(functionName, err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
}
