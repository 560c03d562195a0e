import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.lectern/**', 'infra/node_modules/**'],
    // Conformance and fault suites start real servers (dynalite, IdP, distribution):
    // keep files in separate processes and give network-bound tests room.
    pool: 'forks',
    testTimeout: 30_000,
    // The edge logs every refusal (as it would to CloudWatch); show logs only for failing tests.
    silent: 'passed-only',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 120_000,
  },
});
