import { describe, expect, it } from 'vitest';
import { buildDefinition } from '../../../lib/constructs/agent-workflow.js';
import { defaultRegistry, mergeRegistry, RegistryValidationError } from '../../../functions/core/agent-graph.js';

type States = Record<string, any>;
const registry = defaultRegistry();
const asl = buildDefinition(registry) as { StartAt: string; States: States };

/** Find a state by name anywhere in the definition (Parallel branches included). */
function find(scope: { States: States }, name: string): any {
  for (const [n, st] of Object.entries(scope.States)) {
    if (n === name) return st;
    for (const b of st.Branches ?? []) {
      const hit = find(b, name);
      if (hit) return hit;
    }
  }
  return undefined;
}

describe('buildDefinition (ASL generated from the registry, no synth)', () => {
  it('nested sequences and Parallel branches from the dependency graph, then the responder route', () => {
    expect(asl.StartAt).toBe('Begin');
    expect(asl.States['Begin']).toMatchObject({ Type: 'Pass', Result: {}, ResultPath: '$.done', Next: 'Parallel 1' });
    // (((followup ∥ privacy) → nutrition) ∥ medication) → checklist, all beside human_intervention.
    const outer = asl.States['Parallel 1'];
    expect(outer.Type).toBe('Parallel');
    expect(outer.Branches.map((b: any) => b.StartAt)).toEqual(['Parallel 2', 'human_intervention?']);
    expect(outer.Branches[0].States['Parallel 2'].Next).toBe('checklist?');
    expect(outer.Branches[0].States['Parallel 2'].Branches.map((b: any) => b.StartAt)).toEqual(['Parallel 3', 'medication?']);
    expect(find(asl, 'Parallel 3').Branches.map((b: any) => b.StartAt)).toEqual(['followup?', 'privacy?']);
    expect(find(asl, 'Parallel 3').Next).toBe('nutrition?');
    expect(outer.Next).toBe('Collect results');
    expect(outer.ResultPath).toBe('$.done');
    expect(outer.ResultSelector).toMatchObject({ 'human_intervention.$': '$[1].done.human_intervention', 'checklist.$': '$[0].done.checklist' });
    expect(asl.States['Route responder'].Choices.map((c: any) => c.StringEquals)).toEqual(['primary', 'loneliness', 'accountability', 'therapy']);
    expect(asl.States['Route responder'].Default).toBe('Start primary');
    expect(asl.States['Responder primary done'].Parameters['agents.$']).toBe('$.done');
  });

  it("a dependent's request merges its dependencies' ok outputs (States.JsonMerge over `out`); every record lands at $.done.<agent>", () => {
    const start = find(asl, 'Start nutrition');
    expect(start.Parameters.req['dependencies.$']).toBe('States.JsonMerge($.done.followup.out, $.done.privacy.out, false)');
    const checklist = find(asl, 'Start checklist');
    expect(checklist.Parameters.req['dependencies.$']).toBe(
      'States.JsonMerge(States.JsonMerge($.done.followup.out, $.done.medication.out, false), $.done.nutrition.out, false)',
    );
    expect(find(asl, 'Start privacy').Parameters.req.dependencies).toEqual({});
    for (const s of ['privacy done', 'privacy failed', 'privacy timed out', 'privacy skipped', 'privacy circuit open']) {
      expect(find(asl, s).ResultPath).toBe('$.done.privacy');
    }
  });

  it('has no JSONata and no retry for client errors; agents without retries get no Retry', () => {
    expect(JSON.stringify(asl)).not.toMatch(/JSONata|QueryLanguage/);
    const noRetry = buildDefinition(mergeRegistry(registry, { agents: { privacy: { retry: 'none' } } })) as { States: States };
    expect(find(noRetry, 'Run privacy').Retry).toBeUndefined();
    expect(find(noRetry, 'Run followup').Retry).toHaveLength(1);
  });

  it('uses the agent-provided function ARN for a team Lambda target', () => {
    const custom = buildDefinition(
      mergeRegistry(registry, { agents: { medication: { target: { type: 'lambda', function_arn: 'arn:aws:lambda:us-east-1:1:function:team-meds' } } } }),
    ) as { States: States };
    expect(find(custom, 'Run medication').Parameters.FunctionName).toBe('arn:aws:lambda:us-east-1:1:function:team-meds');
  });

  it('state names are unique across the whole machine (Step Functions requires it)', () => {
    const names: string[] = [];
    const walk = (scope: { States: States }) => {
      for (const [n, st] of Object.entries(scope.States)) {
        names.push(n);
        for (const b of st.Branches ?? []) walk(b);
      }
    };
    walk(asl);
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses an invalid registry (synth fails before a turn can)', () => {
    expect(() => buildDefinition(mergeRegistry(registry, { agents: { privacy: { dependencies: ['nutrition'] } } }))).toThrow(RegistryValidationError);
  });
});
