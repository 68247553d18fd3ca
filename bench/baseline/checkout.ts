/**
 * The code as it was before the perf work (commit BASELINE_COMMIT), checked out into bench/.baseline/ so a
 * benchmark can run the old code next to the new one in the same run. Inside the repository so that
 * `node_modules` resolves for both. Ignored by git; rebuilt when the commit changes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** main before the perf work landed (series-parallel ASL, bundles, state size, copies). */
export const BASELINE_COMMIT = '65e0f70';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of the baseline checkout (created on first use). */
export function baselineCheckout(): string {
  const dir = path.join(root, 'bench', '.baseline', BASELINE_COMMIT);
  if (!fs.existsSync(path.join(dir, '.complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', BASELINE_COMMIT, 'functions', 'config'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    fs.writeFileSync(path.join(dir, '.complete'), BASELINE_COMMIT);
  }
  return dir;
}
