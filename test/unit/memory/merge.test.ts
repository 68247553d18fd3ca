import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyFacts, commitmentId, emptyMemory, memoryForConversation, mergeMemories } from '../../../functions/core/memory/merge.js';
import { IndividualMemorySchema, MEMORY_LIMITS, type IndividualMemory, type MemoryFacts, type MemoryWriteRequest } from '../../../functions/core/memory/schema.js';

function req(conversation: string, turn: number, facts: MemoryFacts, at = `2026-11-2${Math.min(9, turn)}T10:00:00.000Z`): MemoryWriteRequest {
  return { contract_version: 1, tenant: 'local', individual_id: 'ind-1', conversation_id: conversation, plan: 'daily_checkin', turn, at, facts };
}

function apply(memory: IndividualMemory | null, r: MemoryWriteRequest): IndividualMemory {
  const next = applyFacts(memory, r);
  if (next === null) throw new Error('not applied');
  return IndividualMemorySchema.parse(next);
}

describe('applyFacts', () => {
  it('records a commitment and a medication with when and in which conversation they were learned', () => {
    const m = apply(null, req('c1', 3, { commitments: [{ text: 'walk around the lake after dinner' }], medications: [{ name: 'metformin', status: 'active', adherence: 'taken' }] }));
    expect(m.commitments).toEqual([
      { id: commitmentId('walk around the lake after dinner'), text: 'walk around the lake after dinner', learned: { at: '2026-11-23T10:00:00.000Z', conversation_id: 'c1', turn: 3 } },
    ]);
    expect(m.medications[0]).toMatchObject({ name: 'metformin', status: 'active', last_adherence: 'taken', learned: { conversation_id: 'c1', turn: 3 } });
    expect(m.summary[0]!.line).toContain('walk around the lake');
    expect(m.applied).toEqual([{ conversation_id: 'c1', turn: 3, turns: [3], at: '2026-11-23T10:00:00.000Z' }]);
  });

  it('is idempotent per (conversation, turn); an earlier turn arriving late is still applied', () => {
    const m = apply(null, req('c1', 3, { mood: 'good' }));
    expect(applyFacts(m, req('c1', 3, { mood: 'good' }))).toBeNull();
    const late = apply(m, req('c1', 2, { mood: 'low' }));
    expect(late.mood.map((x) => x.value)).toEqual(['low', 'good']);
    expect(late.applied).toEqual([{ conversation_id: 'c1', turn: 3, turns: [2, 3], at: '2026-11-23T10:00:00.000Z' }]);
    expect(applyFacts(late, req('c1', 2, { mood: 'low' }))).toBeNull();
    expect(apply(m, req('c2', 1, { mood: 'low' }, '2026-11-25T10:00:00.000Z')).mood.map((x) => x.value)).toEqual(['good', 'low']);
  });

  it('records the outcome of a commitment and a medication correction', () => {
    let m = apply(null, req('c1', 3, { commitments: [{ text: 'walk around the lake' }], medications: [{ name: 'metformin', status: 'active' }] }));
    const id = m.commitments[0]!.id;
    m = apply(m, req('c2', 4, { commitment_outcome: { commitment_id: id, status: 'partial' }, medications: [{ name: 'metformin', status: 'stopped' }] }));
    expect(m.commitments[0]!.outcome).toEqual({ status: 'partial', learned: { at: '2026-11-24T10:00:00.000Z', conversation_id: 'c2', turn: 4 } });
    expect(m.medications[0]).toMatchObject({ status: 'stopped', learned: { conversation_id: 'c1' }, updated: { conversation_id: 'c2' } });
  });

  it('stays bounded however much is said', () => {
    let m: IndividualMemory | null = null;
    for (let i = 1; i <= 60; i++) {
      m = apply(m, req(`c${i}`, 1, { commitments: [{ text: `plan number ${i}` }], medications: [{ name: `drug${i}`, status: 'active' }], mood: 'okay', sleep: 'poor' }, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()));
    }
    expect(m!.commitments).toHaveLength(MEMORY_LIMITS.commitments);
    expect(m!.commitments.at(-1)!.text).toBe('plan number 60');
    expect(m!.medications).toHaveLength(MEMORY_LIMITS.medications);
    expect(m!.summary).toHaveLength(MEMORY_LIMITS.summaryLines);
    expect(m!.applied).toHaveLength(MEMORY_LIMITS.applied);
    expect(JSON.stringify(m).length).toBeLessThan(16_000);
  });
});

describe('memoryForConversation', () => {
  it('shows only what other conversations taught', () => {
    let m = apply(null, req('c1', 2, { commitments: [{ text: 'walk around the lake', due: 'after dinner' }], medications: [{ name: 'metformin', status: 'active' }], mood: 'good' }));
    m = apply(m, req('c2', 1, { commitments: [{ text: 'call my sister' }] }, '2026-11-25T10:00:00.000Z'));
    const inC2 = memoryForConversation(m, 'c2')!;
    expect(inC2.last_commitment).toMatchObject({ text: 'walk around the lake', due: 'after dinner', conversation_id: 'c1' });
    expect(inC2.medications.map((x) => x.name)).toEqual(['metformin']);
    expect(inC2.mood).toEqual({ last: 'good', trend: 'steady' });
    expect(memoryForConversation(m, 'c3')!.last_commitment!.text).toBe('call my sister');
    expect(memoryForConversation(apply(null, req('c1', 1, { commitments: [{ text: 'x y' }] })), 'c1')).toBeNull();
    expect(memoryForConversation(null, 'c1')).toBeNull();
  });

  it('leaves stopped medications out', () => {
    let m = apply(null, req('c1', 1, { medications: [{ name: 'metformin', status: 'active' }, { name: 'insulin', status: 'active' }] }));
    m = apply(m, req('c2', 1, { medications: [{ name: 'metformin', status: 'stopped' }] }, '2026-11-25T10:00:00.000Z'));
    expect(memoryForConversation(m, 'c3')!.medications.map((x) => x.name)).toEqual(['insulin']);
  });
});

describe('mergeMemories', () => {
  const fact = fc.record({
    conversation: fc.constantFrom('a', 'b', 'c'),
    turn: fc.integer({ min: 1, max: 5 }),
    commitment: fc.constantFrom('walk', 'swim', 'call mom', 'read'),
    med: fc.constantFrom('metformin', 'insulin', 'aspirin'),
    minute: fc.integer({ min: 0, max: 59 }),
  });
  it('keeps every fact written to either copy, in any order (union, commutative)', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 8 }), fc.array(fact, { maxLength: 8 }), (xs, ys) => {
        const build = (list: typeof xs) =>
          list.reduce<IndividualMemory>(
            (m, f) => applyFacts(m, req(f.conversation, f.turn, { commitments: [{ text: f.commitment }], medications: [{ name: f.med, status: 'active' }] }, `2026-11-24T10:${String(f.minute).padStart(2, '0')}:00.000Z`)) ?? m,
            emptyMemory('ind-1', '2026-11-24T00:00:00.000Z'),
          );
        const a = build(xs);
        const b = build(ys);
        const ab = mergeMemories(a, b);
        const ba = mergeMemories(b, a);
        IndividualMemorySchema.parse(ab);
        const ids = (m: IndividualMemory) => m.commitments.map((c) => c.id).sort();
        expect(ids(ab)).toEqual(ids(ba));
        for (const c of [...a.commitments, ...b.commitments]) expect(ids(ab)).toContain(c.id);
        for (const med of [...a.medications, ...b.medications]) expect(ab.medications.map((m) => m.name)).toContain(med.name);
      }),
      { numRuns: 60 },
    );
  });
});
