/**
 * Safety-floor benchmark (part of `npm run bench`):
 *   quality  recall (crisis sentences escalated) and false-alarm rate (harmless look-alikes escalated) of the
 *            built-in crisis screen on the labelled evaluation set (test/safety-eval), per category and
 *            overall, for the held-out part (never tuned on) and the tuning part.
 *   cost     the floor's work per turn (crisis screen + redaction floor on realistic turn texts) as a ratio of
 *            the engine's per-turn cost measured in the same run: orchestrateTurn with in-memory ports (store,
 *            fan-out, dispatcher), i.e. everything the orchestrate function computes for a turn except I/O —
 *            the floor is inside that figure too, so the ratio is the floor's share of the in-process work.
 * Run alone: `npx tsx bench/safety.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { evaluate, loadEvalSet, type Figures } from '../test/safety-eval/evaluate.js';
import { screenText } from '../functions/core/safety/screen.js';
import { redact } from '../functions/core/safety/identifiers.js';
import { harness } from '../test/unit/engine/harness.js';

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const fig = (f: Figures) => ({ recall: round(f.recall), false_alarm_rate: round(f.falseAlarmRate), crisis: f.crisis, harmless: f.harmless });

const TURN_TEXTS = [
  'Good morning! I slept well and had oatmeal with a banana for breakfast.',
  'I took my metformin 500 mg and my lisinopril, no side effects so far.',
  'Honestly I feel a bit lonely since my wife passed, the evenings are long.',
  'My knee hurts when it rains but I walked to the park for twenty minutes.',
  'I need a refill soon, I will call the pharmacy on Friday at 555-123-4567.',
  'Mi hija vino a visitarme y comimos arroz con pollo, me siento bien hoy.',
];

export async function run(): Promise<Record<string, unknown>> {
  const heldOut = evaluate(loadEvalSet('held-out'));
  const tuning = evaluate(loadEvalSet('tuning'));

  // Interleaved rounds, per-call samples, medians: both figures see the same machine load.
  const h = harness({ plan: 'daily_checkin', services: ['nutrition', 'medication'] });
  const floorSamples: number[] = [];
  const engineSamples: number[] = [];
  for (let n = 0; n < 600; n += 1) {
    const text = TURN_TEXTS[n % TURN_TEXTS.length]!;
    let start = performance.now();
    screenText(text);
    redact(text);
    const floor = performance.now() - start;
    start = performance.now();
    await h.say(text, { conversation_id: `bench-${Math.floor(n / 20)}` });
    const engine = performance.now() - start;
    if (n >= 60) {
      floorSamples.push(floor);
      engineSamples.push(engine);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floorMs = median(floorSamples);
  const engineMs = median(engineSamples);

  return {
    quality: {
      held_out: { overall: fig(heldOut.overall), by_category: Object.fromEntries(Object.entries(heldOut.byCategory).map(([k, f]) => [k, fig(f)])), by_language: Object.fromEntries(Object.entries(heldOut.byLanguage).map(([k, f]) => [k, fig(f)])) },
      tuning: { overall: fig(tuning.overall), by_category: Object.fromEntries(Object.entries(tuning.byCategory).map(([k, f]) => [k, fig(f)])) },
    },
    cost: {
      floor_ms_per_turn: round(floorMs, 4),
      engine_ms_per_turn_median: round(engineMs, 4),
      floor_to_engine_ratio: round(floorMs / engineMs, 3),
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
