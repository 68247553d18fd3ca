/**
 * The generated workflow RUN (aws-local-stepfunctions) over random agent graphs, with random modes, random
 * failures and random small delays: an agent is only ever invoked after each of its dependencies has
 * finished, its request carries exactly the ok outputs of its dependencies, and every agent is recorded
 * once with the status it had. Ordering only — no timing assertions.
 */
import fc from 'fast-check';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { defaultRegistry, mergeRegistry, RESPONDERS, type RegistryOverride, type WorkflowOutput } from '../../../functions/core/agent-graph.js';
import { ancestorSets } from '../../../functions/core/series-parallel.js';
import { buildDefinition } from '../../../lib/fanout-definition.js';
import { localExecutionContext, localTaskHandlers } from '../../../lib/asl-resolve.js';
import { turnInput } from './support.js';

const graphArb = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc.record({
    deps: fc.array(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
    mode: fc.array(fc.constantFrom('run', 'run', 'run', 'skipped', 'circuit_open'), { minLength: n, maxLength: n }),
    fails: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    delays: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
  }),
);

describe('generated fan-out over random graphs (aws-local-stepfunctions)', () => {
  it('invokes an agent only after all its dependencies finished, with exactly their ok outputs', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, async ({ deps: m, mode, fails, delays }) => {
        const n = mode.length;
        const names = Array.from({ length: n }, (_, i) => `g${i}`);
        const deps = Object.fromEntries(names.map((a, j) => [a, names.filter((_, i) => i < j && m[i]![j] && (i + j) % 3 !== 0)]));
        const after = Object.fromEntries(names.map((a, j) => [a, names.filter((_, i) => i < j && m[i]![j] && (i + j) % 3 === 0)]));
        const agents: NonNullable<RegistryOverride['agents']> = {};
        for (const [k, a] of Object.entries(defaultRegistry().agents)) if (a.role === 'agent' && a.type !== 'async') agents[k] = null;
        for (const a of names) agents[a] = { type: 'sync', dependencies: deps[a]!, after: after[a]!, target: { type: 'lambda' }, timeout: 'default', retry: 'none' };
        const registry = mergeRegistry(defaultRegistry(), { agents });
        const asl = buildDefinition(registry);
        const anc = ancestorSets(Object.fromEntries(names.map((a) => [a, [...deps[a]!, ...after[a]!]])));

        const finished = new Set<string>();
        const seenAt = new Map<string, Set<string>>();
        const requests = new Map<string, Record<string, unknown>>();
        const handlers = localTaskHandlers(asl, async (_fn, payload, state) => {
          const p = payload as Record<string, unknown>;
          if (state.startsWith('Respond')) return { responder: p.responder, response: 'ok', is_enriched: false, asks_checkpoint_id: null };
          const name = String(p.agent);
          const i = names.indexOf(name);
          seenAt.set(name, new Set(finished));
          requests.set(name, p);
          for (let k = 0; k < delays[i]!; k++) await new Promise((r) => setImmediate(r));
          finished.add(name);
          if (fails[i]) throw new Error(`${name} failed on purpose`);
          return { agent: name, status: 'ok', findings: { from: name }, flags: {} };
        });
        const input = {
          input: turnInput,
          mode: Object.fromEntries(names.map((a, i) => [a, mode[i]])),
          timeouts: Object.fromEntries([...names, ...RESPONDERS].map((a) => [a, 10])),
          responder: 'primary',
        };
        const out = (await new StateMachine(asl as never, { validationOptions: { checkPaths: false, checkArn: false } }).run(input as never, {
          overrides: { taskResourceLocalHandlers: handlers as never },
          context: localExecutionContext() as never,
        }).result) as unknown as WorkflowOutput;

        names.forEach((a, i) => {
          const expected = mode[i] === 'run' ? (fails[i] ? 'error' : 'ok') : mode[i];
          expect(out.agents[a]!.status).toBe(expected);
          if (mode[i] !== 'run') {
            expect(requests.has(a)).toBe(false);
            return;
          }
          // Every dependency that ran had finished before this agent was invoked.
          for (const d of anc.get(a)!) if (requests.has(d)) expect(seenAt.get(a)!.has(d)).toBe(true);
          const okDeps = [...deps[a]!, ...after[a]!].filter((d) => out.agents[d]!.status === 'ok').sort();
          expect(Object.keys((requests.get(a)!.dependencies ?? {}) as object).sort()).toEqual(okDeps);
        });
        expect(out.responder.status).toBe('ok');
      }),
      { numRuns: 12 },
    );
  });
});
