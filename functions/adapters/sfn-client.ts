/**
 * The one way this service builds its Step Functions client.
 *
 * StartSyncExecution is served by the `sync-states.<region>` host: the SDK adds the `sync-` host prefix from
 * the operation's model. A local emulator has no such host (`sync-127.0.0.1` does not resolve), so the
 * prefix is turned off ONLY when a custom endpoint is configured (AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL, or
 * an explicit `endpoint`). In AWS the prefix stays on.
 */
import { SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';

/** True when the client will call a custom endpoint rather than AWS's regional one. */
export function hasCustomSfnEndpoint(env: Record<string, string | undefined>, config: SFNClientConfig = {}): boolean {
  if (config.endpoint !== undefined) return true;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return false;
  return Boolean(env.AWS_ENDPOINT_URL_SFN || env.AWS_ENDPOINT_URL);
}

/** A Step Functions client: host prefix kept for AWS, disabled for a custom (local) endpoint. */
export function createSfnClient(config: SFNClientConfig = {}, env: Record<string, string | undefined> = process.env): SFNClient {
  return new SFNClient({ ...config, disableHostPrefix: hasCustomSfnEndpoint(env, config) });
}
