/**
 * StartSyncExecution host: the production client (no custom endpoint) calls `sync-states.<region>`, as
 * AWS requires; with a local endpoint (AWS_ENDPOINT_URL_SFN) the prefix is off so `127.0.0.1` is called.
 * The SDK resolves and serializes the request for real; a middleware captures it before signing/sending
 * (no network, no credentials).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createSfnClient, hasCustomSfnEndpoint } from '../../../functions/adapters/sfn-client.js';

class Captured extends Error {
  constructor(readonly request: { hostname: string; protocol: string; port?: number; path: string }) {
    super('captured');
  }
}

async function requestOf(client: SFNClient): Promise<Captured['request']> {
  client.middlewareStack.add(
    (_next) => async (args) => {
      throw new Captured(args.request as Captured['request']);
    },
    { step: 'build', priority: 'low', name: 'captureRequest' },
  );
  const cmd = new StartSyncExecutionCommand({ stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:fanout', input: '{}' });
  try {
    await client.send(cmd);
  } catch (err) {
    if (err instanceof Captured) return err.request;
    throw err;
  }
  throw new Error('request was not captured');
}

const ENDPOINT_VARS = ['AWS_ENDPOINT_URL_SFN', 'AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(ENDPOINT_VARS.map((k) => [k, process.env[k]]));
  for (const k of ENDPOINT_VARS) delete process.env[k];
});
afterEach(() => {
  for (const k of ENDPOINT_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('Step Functions client endpoint', () => {
  it('in AWS (no custom endpoint) StartSyncExecution goes to sync-states.<region>', async () => {
    const req = await requestOf(createSfnClient({ region: 'eu-west-1' }));
    expect(req.hostname).toBe('sync-states.eu-west-1.amazonaws.com');
    expect(req.protocol).toBe('https:');
  });

  it('with AWS_ENDPOINT_URL_SFN (local emulator) the host is the endpoint, no sync- prefix', async () => {
    process.env.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1:8083';
    const req = await requestOf(createSfnClient({ region: 'us-east-1' }));
    expect(req.hostname).toBe('127.0.0.1');
    expect(req.port).toBe(8083);
  });

  it('an explicit endpoint also turns the prefix off', async () => {
    const req = await requestOf(createSfnClient({ region: 'us-east-1', endpoint: 'http://localhost:9000' }));
    expect(req.hostname).toBe('localhost');
  });

  it('the decision follows the SDK’s own endpoint settings', () => {
    expect(hasCustomSfnEndpoint({})).toBe(false);
    expect(hasCustomSfnEndpoint({ AWS_ENDPOINT_URL: 'http://h:1' })).toBe(true);
    expect(hasCustomSfnEndpoint({ AWS_ENDPOINT_URL_SFN: 'http://h:1' })).toBe(true);
    expect(hasCustomSfnEndpoint({ AWS_ENDPOINT_URL_SFN: 'http://h:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBe(false);
  });
});
