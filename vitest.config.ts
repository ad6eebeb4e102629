import { defineConfig } from 'vitest/config';

// Five projects: `unit` (pure, mocked AWS), `integration` (DynamoDB Local and the local SES
// endpoint started by globalSetup), `infra` (CDK template assertions), `e2e` (the local runtime
// over HTTP), `security` (confidentiality, authorization, bad input, races, faults). `npm test`
// runs them all, one after another.
export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts', 'local/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'shared/engine/**': { branches: 100, functions: 100, lines: 100, statements: 100 },
      },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/setup/aws-matchers.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/local-services.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/local-runtime.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
