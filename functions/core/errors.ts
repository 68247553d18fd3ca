/**
 * Typed domain errors of the conversation engine. Each carries what a caller needs to act on it and an
 * HTTP status the handler maps it to (middy style: `expose` says whether the message may reach the client).
 * The store's own errors (VersionConflictError, StoreUnavailableError) live in ports.ts.
 */
import type { BadRequestBody, FieldProblem } from '../contracts/api.js';
import type { CheckpointStatus } from './state.js';

/** Base class: an error the handler turns into an HTTP answer with this status. */
export abstract class DomainError extends Error {
  abstract readonly statusCode: number;
  /** Whether the message is safe to show the client (4xx: yes; 5xx: no). */
  get expose(): boolean {
    return this.statusCode < 500;
  }
}

/** The request is invalid (→ 400 with the body naming each bad field). */
export class RequestValidationError extends DomainError {
  override readonly name: string = 'RequestValidationError';
  readonly statusCode = 400;
  constructor(readonly body: BadRequestBody) {
    super(`${body.error}: ${body.details.map((d) => d.field).join(', ')}`);
  }
  /** Convenience for a single bad field. */
  static field(field: string, problem: string): RequestValidationError {
    const details: FieldProblem[] = [{ field, problem }];
    return new RequestValidationError({ error: 'invalid request', details });
  }
}

/**
 * No conversation with this id for this caller (→ 404). Also used when the conversation belongs to another
 * individual, so the answer never reveals that someone else's conversation exists.
 */
export class ConversationNotFoundError extends DomainError {
  override readonly name = 'ConversationNotFoundError';
  readonly statusCode = 404;
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} not found`);
  }
}

/** Another writer changed the conversation while this turn ran (→ 409 with Retry-After). */
export class TurnConflictError extends DomainError {
  override readonly name = 'TurnConflictError';
  readonly statusCode = 409;
  constructor(
    readonly conversationId: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(`conversation ${conversationId} was changed by a concurrent request; retry the turn`);
  }
}

/** An operator asked to resume a conversation that is not paused (→ 409). */
export class ConversationNotPausedError extends DomainError {
  override readonly name = 'ConversationNotPausedError';
  readonly statusCode = 409;
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} is not paused`);
  }
}

/** A checkpoint was asked to move along an edge the lifecycle does not have. A bug, never user input. */
export class IllegalCheckpointTransitionError extends DomainError {
  override readonly name = 'IllegalCheckpointTransitionError';
  readonly statusCode = 500;
  constructor(
    readonly checkpointId: string,
    readonly from: CheckpointStatus,
    readonly to: CheckpointStatus,
  ) {
    super(`checkpoint ${checkpointId}: illegal transition ${from} → ${to}`);
  }
}

/**
 * A new conversation names a plan the catalog does not have (the request passed validation against a
 * different list, e.g. a misconfigured deployment). A 400 whose body names the `plan` field like any other.
 */
export class UnknownPlanError extends RequestValidationError {
  override readonly name = 'UnknownPlanError';
  constructor(
    readonly planId: string,
    readonly accepted: readonly string[],
  ) {
    super({
      error: 'invalid request',
      details: [{ field: 'plan', problem: `unknown plan '${planId}'; accepted: ${accepted.join(', ')}` }],
    });
  }
}

/** A plan catalog file or a checkpoint list breaks a catalog rule (duplicate id, empty task, bad schema). */
export class PlanCatalogError extends DomainError {
  override readonly name = 'PlanCatalogError';
  readonly statusCode = 500;
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`plan catalog ${source}: ${problem}`);
  }
}

/** A stored conversation could not be read as any known schema version. */
export class StateMigrationError extends DomainError {
  override readonly name = 'StateMigrationError';
  readonly statusCode = 500;
  constructor(
    readonly fromVersion: unknown,
    readonly problem: string,
  ) {
    super(`cannot migrate conversation state from schema_version ${String(fromVersion)}: ${problem}`);
  }
}

/** The task stack violates an invariant (see checkTaskStack); raised instead of persisting it. */
export class InconsistentTaskStackError extends DomainError {
  override readonly name = 'InconsistentTaskStackError';
  readonly statusCode = 500;
  constructor(
    readonly conversationId: string,
    readonly violations: readonly string[],
  ) {
    super(`conversation ${conversationId}: inconsistent task stack: ${violations.join('; ')}`);
  }
}

/**
 * Overlapping turns, strategy `enqueue`: this turn could not start within its time budget because turns that
 * arrived before it still hold the conversation (→ 503 with Retry-After; nothing was changed).
 */
export class TurnNotStartedError extends DomainError {
  override readonly name = 'TurnNotStartedError';
  readonly statusCode = 503;
  constructor(
    readonly conversationId: string,
    readonly retryAfterSeconds = 2,
  ) {
    super(`conversation ${conversationId} is busy with earlier messages; this turn could not start in time, nothing was changed; retry`);
  }
  /** Safe to show: it names only the caller's own conversation id. */
  override get expose(): boolean {
    return true;
  }
}

/**
 * This turn's lease on its conversation ran out and a later turn took the conversation over: the fencing
 * check refused its commit (→ 503 with Retry-After; nothing was changed by this turn).
 */
export class LeaseLostError extends DomainError {
  override readonly name = 'LeaseLostError';
  readonly statusCode = 503;
  constructor(
    readonly conversationId: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(`the turn on conversation ${conversationId} ran past its lease and was superseded; nothing was changed; retry`);
  }
  override get expose(): boolean {
    return true;
  }
}
