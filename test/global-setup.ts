/**
 * Synthesizes the app once per test run (when cdk.out is missing or stale), so the e2e and sam-style
 * tests load exactly the bundles `cdk deploy` would ship. A nag finding fails the synth, and so the run.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSynth } from '../local/synth.js';

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const started = Date.now();
  const r = ensureSynth(root, { envName: 'dev', quiet: true });
  if (r.synthesized) console.log(`[global-setup] synthesized ${path.relative(root, r.templatePath)} in ${Date.now() - started} ms`);
}
