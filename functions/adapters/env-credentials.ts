/**
 * The credential provider every bundled SDK client uses in Lambda (esbuild alias for
 * `@aws-sdk/credential-provider-node`, set in lib/constructs/function.ts): the Lambda runtime always puts
 * the function role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and so
 * do `sam local invoke` and the local stack. The default chain would also bundle the SSO, INI, process,
 * web-identity, login and IMDS providers with their STS/SSO clients (about 100 KB of every bundle) that a
 * function never uses. Never imported by source code: tests and tools keep the SDK's full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same signature as the default chain's `defaultProvider`: credentials from the environment only. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> => fromEnv(init);
