import { describe, expect, it } from 'vitest';
import { buildDefinition } from '../../../lib/constructs/agent-workflow.js';
import { defaultRegistry, mergeRegistry, RegistryValidationError } from '../../../functions/core/agent-graph.js';

type States = Record<string, any>;
const registry = defaultRegistry();
const asl = buildDefinition(registry) as { StartAt: string; States: States };

describe('buildDefinition (ASL generated from the registry, no synth)', () => {
  it('one Parallel state per topological level, chained, then the responder route', () => {
    expect(asl.StartAt).toBe('Level 0');
    expect(asl.States['Level 0'].Type).toBe('Parallel');
    expect(asl.States['Level 0'].Branches.map((b: any) => b.StartAt)).toEqual(['followup?', 'human_intervention?', 'medication?', 'privacy?']);
    expect(asl.States['Level 0'].Next).toBe('Level 1');
    expect(asl.States['Level 1'].Branches.map((b: any) => b.StartAt)).toEqual(['nutrition?']);
    expect(asl.States['Level 2'].Next).toBe('Collect results');
    expect(asl.States['Route responder'].Choices.map((c: any) => c.StringEquals)).toEqual(['primary', 'loneliness', 'accountability', 'therapy']);
    expect(asl.States['Route responder'].Default).toBe('Start primary');
  });

  it("a dependent's request merges its dependencies' ok outputs (States.JsonMerge over `out`)", () => {
    const start = asl.States['Level 1'].Branches[0].States['Start nutrition'];
    expect(start.Parameters.req['dependencies.$']).toBe('States.JsonMerge($.levels.l0.followup.out, $.levels.l0.privacy.out, false)');
    const checklist = asl.States['Level 2'].Branches[0].States['Start checklist'];
    expect(checklist.Parameters.req['dependencies.$']).toBe(
      'States.JsonMerge(States.JsonMerge($.levels.l0.followup.out, $.levels.l0.medication.out, false), $.levels.l1.nutrition.out, false)',
    );
    const privacy = asl.States['Level 0'].Branches[3].States['Start privacy'];
    expect(privacy.Parameters.req.dependencies).toEqual({});
  });

  it('has no JSONata and no retry for client errors; agents without retries get no Retry', () => {
    expect(JSON.stringify(asl)).not.toMatch(/JSONata|QueryLanguage/);
    const noRetry = buildDefinition(mergeRegistry(registry, { agents: { privacy: { retry: 'none' } } })) as { States: States };
    expect(noRetry.States['Level 0'].Branches[3].States['Run privacy'].Retry).toBeUndefined();
  });

  it('uses the agent-provided function ARN for a team Lambda target', () => {
    const custom = buildDefinition(
      mergeRegistry(registry, { agents: { medication: { target: { type: 'lambda', function_arn: 'arn:aws:lambda:us-east-1:1:function:team-meds' } } } }),
    ) as { States: States };
    expect(custom.States['Level 0'].Branches[2].States['Run medication'].Parameters.FunctionName).toBe('arn:aws:lambda:us-east-1:1:function:team-meds');
  });

  it('refuses an invalid registry (synth fails before a turn can)', () => {
    expect(() => buildDefinition(mergeRegistry(registry, { agents: { privacy: { dependencies: ['nutrition'] } } }))).toThrow(RegistryValidationError);
  });
});
