import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AgentOutputSchema,
  AgentRequestSchema,
  CheckpointGenerationOutputSchema,
  CheckpointGenerationRequestSchema,
  ResponderOutputSchema,
} from '../../../functions/contracts/agent.js';
import { DOCS_PATH, buildExamples, renderDocs } from './examples.js';

describe('docs/contracts.md examples', () => {
  const doc = readFileSync(DOCS_PATH, 'utf8');

  it('are the current output of the reference agents (regenerate: npx tsx test/unit/agents/examples.ts --write)', () => {
    expect(renderDocs(doc, buildExamples())).toBe(doc);
  });

  it('show every contract, and each example parses with its schema', () => {
    const ex = buildExamples();
    for (const name of Object.keys(ex)) expect(doc).toContain(`<!-- example:${name} -->`);
    AgentRequestSchema.parse(ex['agent-request']);
    for (const k of Object.keys(ex).filter((k) => k.startsWith('agent-output-'))) AgentOutputSchema.parse(ex[k]);
    ResponderOutputSchema.parse(ex['responder-output']);
    CheckpointGenerationRequestSchema.parse(ex['checkpoint-generation-request']);
    CheckpointGenerationOutputSchema.parse(ex['checkpoint-generation-output']);
  });
});
