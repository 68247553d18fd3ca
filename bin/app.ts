#!/usr/bin/env node
/**
 * The CDK app: one OrchestratorStack per environment (`-c env=dev|prod`), checked by cdk-nag's
 * AWS Solutions and HIPAA Security rule packs at synth time (findings fail the synth).
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';

buildApp(new App());
