/**
 * The external checkpoint service (the seed's CHECKPOINT_URL), when a deployment configures one:
 *   POST {CHECKPOINT_URL}/initial  {plan, conversation_id, task_id}   → { checkpoints: [...] }
 *   POST {CHECKPOINT_URL}/next     CheckpointGenerationRequest        → CheckpointGenerationOutput
 * Answers are validated with the same schemas as the built-in generator. For initial checkpoints the
 * plan catalog is the fallback, so a down checkpoint service delays nothing and loses nothing.
 */
import * as z from 'zod';
import {
  CheckpointGenerationOutputSchema,
  GeneratedCheckpointSchema,
  type CheckpointGenerationOutput,
  type CheckpointGenerationRequest,
  type GeneratedCheckpoint,
} from '../contracts/agent.js';
import type { CheckpointSource } from '../core/ports.js';

/** The checkpoint service failed or answered outside the contract. */
export class CheckpointServiceError extends Error {
  override readonly name = 'CheckpointServiceError';
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`checkpoint service ${url}: ${message}`, options);
  }
}

const InitialOutputSchema = z.object({ checkpoints: z.array(GeneratedCheckpointSchema).min(1).max(50) });

async function post<T>(url: string, body: unknown, schema: z.ZodType<T>, timeoutMs: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new CheckpointServiceError(url, err instanceof Error ? err.message : String(err), { cause: err });
  }
  if (!res.ok) throw new CheckpointServiceError(url, `HTTP ${res.status}`);
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new CheckpointServiceError(url, `answer breaks the contract: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}

export class HttpCheckpointService {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5_000,
  ) {}

  initial(args: { plan: string; conversation_id: string; task_id: string }): Promise<GeneratedCheckpoint[]> {
    return post(`${this.baseUrl.replace(/\/$/, '')}/initial`, args, InitialOutputSchema, this.timeoutMs).then((o) => o.checkpoints);
  }

  next(request: CheckpointGenerationRequest): Promise<CheckpointGenerationOutput> {
    return post(`${this.baseUrl.replace(/\/$/, '')}/next`, request, CheckpointGenerationOutputSchema, this.timeoutMs);
  }
}

/** External service first; on any failure the fallback (the plan catalog), with the failure reported. */
export class FallbackCheckpointSource implements CheckpointSource {
  constructor(
    private readonly primary: CheckpointSource,
    private readonly fallback: CheckpointSource,
    private readonly onFallback: (err: unknown) => void = () => undefined,
  ) {}

  async initial(args: { plan: string; conversation_id: string; task_id: string }): Promise<GeneratedCheckpoint[]> {
    try {
      return await this.primary.initial(args);
    } catch (err) {
      this.onFallback(err);
      return this.fallback.initial(args);
    }
  }
}
