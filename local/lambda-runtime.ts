/**
 * The local Lambda service: each function runs in up to N worker threads (its "containers", default 1),
 * each created on demand with the function's own environment (from the template) plus the local endpoints
 * and its own module scope, so its own warm cache — as Lambda runs several containers of one function.
 * Dispatch is least-busy: an invocation goes to an idle container; when every started container is busy
 * and fewer than N exist, a new one starts (Lambda scales out the same way); otherwise the container with
 * the fewest invocations in flight takes it (ties: round-robin). A call over the function's timeout fails
 * like Lambda does ("Task timed out") and that container is recycled.
 */
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalFunction } from './template.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lambda-worker.mjs');

/** A function error as Lambda reports it (X-Amz-Function-Error: Unhandled). */
export class LambdaInvokeError extends Error {
  override readonly name = 'LambdaInvokeError';
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(`${errorType}: ${errorMessage}`);
  }
  toPayload(): { errorType: string; errorMessage: string; trace: string[] } {
    return { errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace };
  }
}

export class UnknownFunctionError extends Error {
  override readonly name = 'ResourceNotFoundException';
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

class Container {
  private worker: Worker | undefined;
  /** Invocations in flight (dispatch picks the least busy container). */
  get inFlight(): number {
    return this.pending.size;
  }
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(
    private readonly fn: LocalFunction,
    private readonly env: Record<string, string>,
    private readonly silent: boolean,
  ) {}

  private start(): Worker {
    const w = new Worker(WORKER, {
      env: this.env,
      stdout: this.silent,
      stderr: this.silent,
      workerData: {
        assetDir: this.fn.assetDir,
        handler: this.fn.handler,
        functionName: this.fn.name,
        functionArn: this.fn.arn,
        memoryMb: 512,
        logGroupName: `/aws/lambda/${this.fn.name}`,
      },
    });
    if (this.silent) {
      w.stdout.resume();
      w.stderr.resume();
    }
    w.on('message', (msg: { type: string; id: number; ok: boolean; value?: unknown; error?: { errorType: string; errorMessage: string; trace: string[] } }) => {
      if (msg.type !== 'result') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new LambdaInvokeError(msg.error!.errorType, msg.error!.errorMessage, msg.error!.trace));
    });
    w.on('error', (err) => this.failAll(new LambdaInvokeError('Runtime.ExitError', String(err?.message ?? err))));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new LambdaInvokeError('Runtime.ExitError', 'the function container exited'));
    });
    this.worker = w;
    return w;
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  invoke(event: unknown): Promise<unknown> {
    const w = this.worker ?? this.start();
    const id = ++this.seq;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LambdaInvokeError('Sandbox.Timedout', `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`));
        // Lambda freezes and discards a timed-out container; so do we.
        if (this.pending.size === 0) void this.stop();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      w.postMessage({ type: 'invoke', id, event, requestId: randomUUID(), deadline: Date.now() + timeoutMs });
    });
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new LambdaInvokeError('Runtime.ExitError', 'the local stack is stopping'));
    if (w) await w.terminate();
  }
}

export interface LambdaRuntimeOptions {
  functions: Map<string, LocalFunction>;
  /** Variables every function gets (region, credentials, local endpoints), under its own. */
  baseEnv: Record<string, string>;
  /** Swallow the functions' stdout/stderr (tests); default: pass through. */
  silent?: boolean;
  /** Most containers (worker threads) per function, each with its own warm cache. Default 1. */
  workers?: number;
}

/** A `workers` setting that is not a positive integer (names the setting). */
export class InvalidWorkersError extends Error {
  override readonly name = 'InvalidWorkersError';
}

/** Validate a workers-per-function setting (1..64). */
export function parseWorkers(value: unknown, source = 'workers'): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidWorkersError(`${source} must be an integer 1..64, got ${JSON.stringify(value)}`);
  return n;
}

export class LocalLambdaRuntime {
  private readonly containers = new Map<string, Container[]>();
  private readonly nextIndex = new Map<string, number>();
  /** Containers per function. */
  readonly workers: number;

  constructor(private readonly options: LambdaRuntimeOptions) {
    this.workers = parseWorkers(options.workers ?? 1);
  }

  /** Accepts a function name, a partial or full ARN, with or without qualifier. */
  resolve(nameOrArn: string): LocalFunction {
    const m = nameOrArn.match(/function:([^:]+)/);
    const name = m ? m[1]! : nameOrArn.split(':')[0]!;
    const fn = this.options.functions.get(name);
    if (!fn) throw new UnknownFunctionError(`Function not found: ${nameOrArn}`);
    return fn;
  }

  names(): string[] {
    return [...this.options.functions.keys()];
  }

  /** Containers started so far for a function (tests: how many warm caches exist). */
  containerCount(nameOrArn: string): number {
    return this.containers.get(this.resolve(nameOrArn).name)?.length ?? 0;
  }

  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const fn = this.resolve(nameOrArn);
    return this.pick(fn).invoke(event);
  }

  /** Least-busy dispatch; scale out while every started container is busy (see the header). */
  private pick(fn: LocalFunction): Container {
    let pool = this.containers.get(fn.name);
    if (!pool) this.containers.set(fn.name, (pool = []));
    const idle = pool.filter((c) => c.inFlight === 0);
    if (idle.length === 0 && pool.length < this.workers) {
      const c = this.newContainer(fn);
      pool.push(c);
      return c;
    }
    const candidates = idle.length > 0 ? idle : pool.filter((c) => c.inFlight === Math.min(...pool.map((p) => p.inFlight)));
    const i = this.nextIndex.get(fn.name) ?? 0;
    this.nextIndex.set(fn.name, i + 1);
    return candidates[i % candidates.length]!;
  }

  private newContainer(fn: LocalFunction): Container {
    const env = {
      ...this.options.baseEnv,
      ...fn.environment,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      _HANDLER: fn.handler,
    };
    return new Container(fn, env, this.options.silent ?? false);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.containers.values()].flat().map((c) => c.stop()));
    this.containers.clear();
  }
}
