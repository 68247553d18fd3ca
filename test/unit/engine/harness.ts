/** A scripted conversation through orchestrateTurn with in-memory fakes. */
import type { OrchestratorQuery } from '../../../functions/contracts/api.js';
import { PlanCatalogCheckpointSource } from '../../../functions/core/plans.js';
import type { CachedEvaluation } from '../../../functions/core/turn-engine.js';
import { orchestrateTurn, type TurnDeps, type TurnOutcome } from '../../../functions/orchestrate/turn.js';
import {
  FakeFanout,
  FixedClock,
  InMemoryConversationStore,
  makeQuery,
  MapCache,
  RecordingDispatcher,
  type ScriptedTurn,
} from '../../support/fakes.js';

export interface Harness {
  deps: TurnDeps;
  store: InMemoryConversationStore;
  fanout: FakeFanout;
  dispatcher: RecordingDispatcher;
  clock: FixedClock;
  cache: MapCache<CachedEvaluation>;
  warnings: Array<{ message: string; fields: Record<string, unknown> }>;
  /** One user turn; advances the clock a little so turns have distinct times. */
  say(text: string, overrides?: Partial<OrchestratorQuery>): Promise<TurnOutcome>;
}

export function harness(
  base: Partial<OrchestratorQuery>,
  script: ScriptedTurn[] | ConstructorParameters<typeof FakeFanout>[0] = [],
  config: Partial<TurnDeps['config']> = {},
): Harness {
  const store = new InMemoryConversationStore();
  const fanout = new FakeFanout(script);
  const dispatcher = new RecordingDispatcher();
  const clock = new FixedClock();
  const cache = new MapCache<CachedEvaluation>();
  const warnings: Harness['warnings'] = [];
  const deps: TurnDeps = {
    store,
    fanout,
    dispatcher,
    checkpoints: new PlanCatalogCheckpointSource(),
    clock,
    config: { storeTurnText: false, turnBudgetMs: 25_000, ...config },
    evaluationCache: cache,
    log: { warn: (message, fields) => warnings.push({ message, fields }) },
  };
  return {
    deps,
    store,
    fanout,
    dispatcher,
    clock,
    cache,
    warnings,
    async say(text, overrides = {}) {
      clock.advance(30_000);
      return orchestrateTurn(deps, makeQuery({ ...base, ...overrides, text }), { requestStartedAt: clock.now() });
    },
  };
}

/** `[task status, checkpoint:status...]` per task, from a response's task_stack. */
export function stack(outcome: TurnOutcome): string[][] {
  return outcome.response.task_stack.map((t) => [`${t.task_id}:${t.status}`, ...t.checkpoints.map((c) => `${c.checkpoint_id}:${c.status}`)]);
}

/** Ids of complete checkpoints, from checkpoint_progress. */
export function done(outcome: TurnOutcome): string[] {
  return Object.entries(outcome.response.checkpoint_progress)
    .filter(([, v]) => v)
    .map(([k]) => k);
}
