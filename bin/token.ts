#!/usr/bin/env node
/**
 * `npm run token -- --tenant local --role client [--sub me] [--expires-in 3600]`: prints a JWT signed by the
 * offline issuer (local/jwt.ts) for `npm start -- --auth jwt`. Only that local stack accepts it.
 */
import { localToken } from '../local/jwt.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const role = flag('--role') ?? 'client';
if (role !== 'client' && role !== 'operator') {
  console.error('npm run token: --role must be client or operator');
  process.exit(2);
}
const expiresIn = Number(flag('--expires-in') ?? 3600);
if (!Number.isInteger(expiresIn)) {
  console.error('npm run token: --expires-in must be an integer number of seconds');
  process.exit(2);
}
process.stdout.write(`${localToken({ tenant: flag('--tenant') ?? 'local', role, sub: flag('--sub'), expiresIn })}\n`);
