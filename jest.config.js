// Three tiers (conventions §11): unit specs beside the code need no services; integration and e2e
// use the real PostgreSQL and Redis on the machine, each test file in its own cloned database.
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  // Global only (jest ignores it per project); integration files boot a Gantry process.
  testTimeout: 60000,
  // Two files at a time even on 2 cores (jest's default there is one): an e2e file mostly waits on
  // the Gantry processes it started, so the suite took 16.5 min this way against 27 one at a time.
  maxWorkers: 2,
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
