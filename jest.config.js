/**
 * Unit specs sit beside the code; service specs and e2e specs sit in each package's test/: service
 * specs use only the stack's databases, e2e specs talk to the whole running local stack.
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: {
    '^@otus/common$': '<rootDir>/packages/common/src',
    '^@otus/common/(postgres|mongo)$': '<rootDir>/packages/common/src/$1',
    '^@otus/testing$': '<rootDir>/packages/testing/src',
  },
};

module.exports = {
  // Project configs cannot set it: e2e specs wait on real processes, so allow a minute.
  testTimeout: 60_000,
  projects: [
    // Code only, no tools and no stack: runs in seconds.
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services}/*/src/**/*.spec.ts'],
    },
    // What is shipped beside the code, checked with the real tools (helm, hadolint, promtool,
    // kubernetes-validate, tsc for the OpenAPI export); no stack needed.
    {
      ...shared,
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.spec.ts'],
    },
    // Service tests: a service's Nest modules called directly on the stack's real PostgreSQL, each
    // on a throw-away database of its own (createServiceModule in @otus/testing) — no engine,
    // worker, gateway or HTTP, so they run in parallel and take seconds.
    {
      ...shared,
      displayName: 'service',
      testMatch: ['<rootDir>/services/*/test/**/*.service-spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      setupFiles: ['<rootDir>/test/setup/stack-env.ts'],
      testMatch: ['<rootDir>/{packages,services}/*/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
    },
    // Fault tests stop and start parts of the running stack: their own CI stage, never in parallel.
    {
      ...shared,
      displayName: 'fault',
      setupFiles: ['<rootDir>/test/setup/stack-env.ts'],
      testMatch: ['<rootDir>/test/fault/**/*.fault-spec.ts'],
    },
    // On the cluster topology (`npm run stack:up -- --cluster`): the engine nodes' relay, a node
    // lost mid-flow, and again with two of everything the journeys and the fault specs that still
    // mean something there (.ci/run says which and why).
    {
      ...shared,
      displayName: 'cluster',
      setupFiles: ['<rootDir>/test/setup/stack-env.ts'],
      testMatch: [
        '<rootDir>/test/cluster/**/*.cluster-spec.ts',
        '<rootDir>/test/journeys.e2e-spec.ts',
        '<rootDir>/test/fault/{deadlines,worker-crash,postgres-restart,smtp-outage}.fault-spec.ts',
      ],
    },
  ],
};
