import { defineConfig } from 'vitest/config';

// Tests run on the pinned Node (devDependency `node`), the same major as the Lambda runtime.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    // Generous: the first CDK synth in a worker takes 30+ s when 2 cores are shared by several test runs.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: {
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  },
});
