// Three tiers (conventions §11): unit specs beside the code need no services; integration and e2e
// use the real PostgreSQL and Redis on the machine, each test file in its own cloned database.
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  // Global only (jest ignores it per project); integration files boot a Gantry process.
  testTimeout: 60000,
  // Three files at a time on 2 cores (jest's default there is one): an e2e file mostly waits on the
  // Gantry processes it started, or on the clock. One at a time the suite took 27 min, two 16.5; on
  // 2026-12-08's VM two took 1,296 s (with a few other test runs beside it) and three 1,001 and 869 s,
  // all green, with the cores 98% busy: CI must stay under 30 minutes.
  maxWorkers: 3,
  projects: [
    // Unit: pure logic, no services; the LaunchDarkly conformance data runs here against core/evaluation.
    {
      ...common,
      displayName: 'unit',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/conformance/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      rootDir: '.',
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts', '<rootDir>/test/e2e/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
