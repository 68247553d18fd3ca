/**
 * Properties over arbitrary input: no reference agent or responder throws, every output honours its
 * contract, and generated identifiers never survive redaction.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../../../functions/agents/index.js';
import { redact } from '../../../functions/agents/privacy.js';
import { AgentOutputSchema, ResponderOutputSchema, type ResponderName } from '../../../functions/contracts/agent.js';
import { agentRequest, checkpoint, responderRequest, runAgents } from './requests.js';

const words = fc.constantFrom('I', 'took', 'my', 'metformin', 'no', 'not', 'chest', 'pain', 'breakfast', 'water', '2', 'glasses', 'of',
  'will', 'walk', 'tomorrow', 'at', '5pm', 'mañana', 'voy', 'a', 'comer', ',', '.', '?', "don't", 'want', 'to', 'die', 'on', 'Monday');
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(words, { maxLength: 40 }).map((w) => w.join(' ')),
);
const cp = checkpoint('cp', { keywords_any: ['walk'], agent_finding: { agent: 'nutrition', key: 'meals' } });

describe('reference agents on arbitrary text', () => {
  it('never throw and always honour AgentOutputSchema', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const [name, run] of Object.entries(REFERENCE_AGENTS)) {
          const out = run(agentRequest(name, t, { checkpoint: cp }));
          expect(AgentOutputSchema.safeParse(out).success).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('responders never throw and always honour ResponderOutputSchema', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 50 }), (t, turn) => {
        const opts = { checkpoint: cp, task_checkpoints: [cp], turn };
        const results = runAgents(t, opts);
        for (const name of Object.keys(REFERENCE_RESPONDERS) as ResponderName[]) {
          expect(ResponderOutputSchema.safeParse(REFERENCE_RESPONDERS[name](responderRequest(name, t, results, opts))).success).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('privacy on generated identifiers', () => {
  const phone = fc
    .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }), fc.constantFrom('-', '.', ' '))
    .map(([a, b, c, sep]) => `${a}${sep}${b}${sep}${String(c).padStart(4, '0')}`);
  const filler = fc.array(fc.constantFrom('hello', 'call', 'me', 'at', 'or', 'mail', 'thanks', ',', 'my', 'number', 'is'), { maxLength: 6 }).map((w) => w.join(' '));

  it('emails and phones never survive, and spans cover exactly them', () => {
    fc.assert(
      fc.property(filler, fc.emailAddress(), filler, phone, filler, (a, email, b, tel, c) => {
        const t = `${a} ${email} ${b} ${tel} ${c}`;
        const out = redact(t);
        expect(out.text).not.toContain(email);
        expect(out.text).not.toContain(tel);
        for (const e of out.entities) expect(e.end).toBeGreaterThan(e.start);
      }),
      { numRuns: 200 },
    );
  });

  it('text without digits or @ passes through unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }).map((s) => s.replace(/[\d@]/g, '')), (t) => {
        expect(redact(t).text).toBe(t);
      }),
      { numRuns: 200 },
    );
  });
});
