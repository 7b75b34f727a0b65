/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// swc transpiles only; `pnpm typecheck` (part of `pnpm test`) does the type checking once.
const transform: Config['transform'] = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  // pdfjs-dist ships only .mjs; swc turns it into CommonJS (and import.meta.url into a file URL).
  '^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};

const common: Config = {
  transform,
  // Node, with the console of code under test shown only for failing tests (CIS_TEST_LOGS=1: always).
  testEnvironment: '<rootDir>/packages/testbed/src/jest/quiet-environment.ts',
  moduleFileExtensions: ['ts', 'tsx', 'js', 'cjs', 'mjs', 'json'],
  // ESM-only dependencies must be transpiled to CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?(pdfjs-dist|pptxgenjs)[@/+])'],
  testPathIgnorePatterns: ['/node_modules/', '/cdk\\.out/', '/dist/'],
};

const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // A timeout catches a hang, not slowness (speed is measured by the benchmarks): 5 s was exceeded by
      // tests that build PDFs or images when the 2-core machine also ran other work.
      testTimeout: 20_000,
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/infra/**/*.test.ts'],
    },
    {
      ...common,
      // Real servers on 127.0.0.1 (packages/testbed): started once per run, only when a test of this project runs.
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/src/**/*.itest.ts', '<rootDir>/packages/*/test/**/*.itest.ts', '<rootDir>/infra/**/*.itest.ts'],
      globalSetup: '<rootDir>/packages/testbed/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testbed/src/jest/global-teardown.ts',
      testTimeout: 60_000,
    },
  ],
};

export default config;
