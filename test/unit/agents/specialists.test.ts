import { describe, expect, it } from 'vitest';
import { REFERENCE_RESPONDERS } from '../../../functions/agents/index.js';
import type { CheckpointRef, ResponderName } from '../../../functions/contracts/agent.js';
import { checkpoint, longText, responderRequest, runAgents } from './requests.js';

const connect = checkpoint('lonely_connect', { keywords_any: ['friend', 'call'] }, 'in_progress', 'Who did you talk to today?');
const goal = checkpoint('acc_goal', { agent_finding: { agent: 'followup', key: 'commitments' } }, 'pending', 'What is your goal for this week?');
const TASK = [connect, goal];

/** The loneliness companion reflects loneliness (one of its phrasings). */
const LONELY_REFLECTION = /alone can be heavy|Loneliness is hard|keep you company|Sentirse solo pesa|La soledad es difícil/;

type Specialist = Exclude<ResponderName, 'primary'>;
const SPECIALISTS: Specialist[] = ['loneliness', 'accountability', 'therapy'];

type Scenario = {
  name: string;
  text: string;
  current?: CheckpointRef | null;
  task?: CheckpointRef[];
  /** Expectations for every specialist, or per specialist. */
  all?: { includes?: string[]; excludes?: string[]; asks?: string | null };
  each?: Partial<Record<Specialist, { includes?: string[]; excludes?: string[]; enriched?: boolean; matches?: RegExp }>>;
};

const scenarios: Scenario[] = [
  { name: 'plain hello asks the current checkpoint', text: 'hello', all: { asks: 'lonely_connect', includes: ['Who did you talk to today?'] } },
  { name: 'completed checkpoint moves to the next', text: 'I called a friend this morning', all: { asks: 'acc_goal', includes: ['What is your goal for this week?'], excludes: ['Who did you talk to today?'] } },
  { name: 'suicidal intent escalates, no question', text: 'I feel so alone I want to die', all: { asks: null, includes: ['care team', '988'], excludes: ['Who did you talk to'] } },
  { name: 'medical emergency escalates with 911', text: 'sudden chest pain right now', all: { asks: null, includes: ['911'] } },
  { name: 'abuse escalates with a hotline', text: 'my partner hits me', all: { asks: null, includes: ['care team', 'Domestic Violence Hotline'] } },
  { name: 'negated crisis language does not escalate', text: 'I am not suicidal, I never thought of hurting myself', all: { excludes: ['care team'] } },
  {
    name: 'loneliness words get a warm reflection',
    text: 'I feel lonely since my wife passed',
    each: { loneliness: { matches: LONELY_REFLECTION } },
    all: { asks: 'lonely_connect' },
  },
  {
    name: 'commitment: accountability names it and holds to it',
    text: 'I will walk for 20 minutes tomorrow morning',
    each: { accountability: { includes: ['your plan to walk for 20 minutes tomorrow morning'], excludes: ['Naming a day'], enriched: true } },
  },
  {
    name: 'commitment without time: accountability nudges for a day (no second question)',
    text: "I'm going to cook more at home",
    each: { accountability: { includes: ['Naming a day and time'] } },
  },
  {
    name: 'missed medication is acknowledged without blame',
    text: 'I forgot my metformin again',
    all: { includes: ['missed your metformin'] },
  },
  {
    name: 'feelings: therapy reflects the named feeling',
    text: 'I have been really anxious about the surgery',
    each: { therapy: { includes: ['feeling anxious'] } },
  },
  {
    name: 'negated feeling is not reflected',
    text: "I'm not anxious anymore",
    each: { therapy: { excludes: ['feeling anxious'] } },
  },
  {
    name: 'Spanish + English in one sentence',
    text: 'Me siento muy sola, I miss my kids',
    each: { loneliness: { matches: LONELY_REFLECTION } },
    all: { asks: 'lonely_connect' },
  },
  { name: 'no checkpoints left: own closing question', text: 'ok', current: null, task: [], all: { asks: null } },
  { name: 'identifiers never echoed', text: 'I will call 555-123-4567 tomorrow', all: { excludes: ['555-123-4567'] } },
];

function reply(responder: Specialist, s: Scenario) {
  const opts = { checkpoint: s.current === undefined ? connect : s.current, task_checkpoints: s.task ?? TASK, turn: 3 };
  return REFERENCE_RESPONDERS[responder](responderRequest(responder, s.text, runAgents(s.text, opts), opts));
}

describe.each(SPECIALISTS)('%s responder', (responder) => {
  it.each(scenarios)('$name', (s) => {
    const out = reply(responder, s);
    expect(out.responder).toBe(responder);
    expect(out.response.length).toBeGreaterThan(0);
    expect((out.response.match(/\?/g) ?? []).length, out.response).toBeLessThanOrEqual(1);
    if (s.all?.asks !== undefined) expect(out.asks_checkpoint_id).toBe(s.all.asks);
    for (const x of [...(s.all?.includes ?? []), ...(s.each?.[responder]?.includes ?? [])]) expect(out.response).toContain(x);
    for (const x of [...(s.all?.excludes ?? []), ...(s.each?.[responder]?.excludes ?? [])]) expect(out.response).not.toContain(x);
    const matches = s.each?.[responder]?.matches;
    if (matches) expect(out.response).toMatch(matches);
    const enriched = s.each?.[responder]?.enriched;
    if (enriched !== undefined) expect(out.is_enriched).toBe(enriched);
  });

  it('is deterministic', () => {
    expect(reply(responder, scenarios[0]!)).toEqual(reply(responder, scenarios[0]!));
  });

  it('handles ~50 KB of text within the reply limit', () => {
    expect(reply(responder, { name: 'long', text: longText() }).response.length).toBeLessThanOrEqual(4000);
  });
});

describe('specialists have their own voice', () => {
  it('the three replies to the same turn differ', () => {
    const s: Scenario = { name: 'x', text: 'I will walk tomorrow' };
    const replies = new Set(SPECIALISTS.map((r) => reply(r, s).response));
    expect(replies.size).toBe(3);
  });
});
