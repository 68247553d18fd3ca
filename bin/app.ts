#!/usr/bin/env node
/**
 * The CDK app: one OrchestratorStack per environment (`-c env=dev|prod`), checked by cdk-nag's
 * AWS Solutions and HIPAA Security rule packs at synth time (findings fail the synth).
 * A configuration problem is printed one line per problem (no stack trace) and the synth exits 1.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';
import { ConfigError } from '../lib/config.js';
import { RegistryValidationError } from '../functions/core/agent-graph.js';

try {
  buildApp(new App());
} catch (err) {
  if (err instanceof ConfigError || err instanceof RegistryValidationError) {
    const lines = err instanceof ConfigError ? err.problems : err.problems.map((p) => `context key "agents": ${p.message}`);
    process.stderr.write(`Invalid configuration (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.map((l) => `  - ${l}\n`).join('')}`);
    process.exit(1);
  }
  throw err;
}
