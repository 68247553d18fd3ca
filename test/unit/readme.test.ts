/**
 * The README as a newcomer meets it: its tour block is exactly what `npm run docs` recorded on the offline
 * stack (docs/tour.json, rendered by bin/tour.ts), the recorded answer still matches the OpenAPI document,
 * and every link stays inside the repository and points at a file that exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTour, type Tour } from '../../bin/tour.js';
import { answerProblems } from '../support/openapi.js';
import { ROOT } from '../support/paths.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const tour = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'tour.json'), 'utf8')) as Tour;

describe('README', () => {
  it('opens with the two commands', () => {
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock.trim().split('\n').map((l) => l.split('#')[0]!.trim())).toEqual(['npm ci', 'npm start']);
  });

  it('holds the tour exactly as recorded (run `npm run docs` after changing the system or bin/tour.ts)', () => {
    expect(readme).toContain(renderTour(tour));
  });

  it('the tour’s recorded answer is one the API documents', () => {
    expect(answerProblems({ method: 'POST', path: '/orchestrate', status: tour.status, headers: { 'Server-Timing': 'x' }, body: tour.answer })).toEqual([]);
    expect(tour.chat.output.filter((l) => l.startsWith('polaris › '))).toHaveLength(tour.chat.input.filter((l) => !l.startsWith('/')).length);
  });

  it('links only to files inside the repository, and they exist', () => {
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^(https?:|#|mailto:)/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const target = path.resolve(ROOT, link.split('#')[0]!);
      expect(target.startsWith(ROOT + path.sep), link).toBe(true);
      expect(fs.existsSync(target), link).toBe(true);
    }
    expect(readme).not.toMatch(/\.\.\/shared|\(\.\.\//);
  });
});
