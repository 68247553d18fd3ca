import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentMemorySchema } from '../../../functions/contracts/agent.js';
import { IndividualMemorySchema, MemoryWriteRequestSchema } from '../../../functions/core/memory/schema.js';
import { DOCS_PATH, buildMemoryExamples, renderMemoryDocs } from './examples.js';

describe('docs/contracts.md individual-memory examples', () => {
  it('are the current output of running the code (regenerate: npx tsx test/integration/memory/examples.ts --write)', async () => {
    const doc = readFileSync(DOCS_PATH, 'utf8');
    const examples = await buildMemoryExamples();
    for (const name of Object.keys(examples)) expect(doc).toContain(`<!-- memory-example:${name} -->`);
    expect(renderMemoryDocs(doc, examples)).toBe(doc);
    MemoryWriteRequestSchema.parse(examples['memory-write-request']);
    IndividualMemorySchema.parse(examples['individual-memory']);
    AgentMemorySchema.parse(examples['agent-turn-input-memory']);
  });
});
