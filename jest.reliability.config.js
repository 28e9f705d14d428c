/**
 * `npm run test:reliability`: the reliability and security scenarios in test/reliability/
 * (docs/reliability.md). They start the real service as processes, kill it, cut PostgreSQL and
 * freeze Kafka, so they run one at a time, after the main suite, never inside it.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testRegex: '.*\\.rel-spec\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@touchline/(.*)$': '<rootDir>/libs/$1/src',
  },
  globalSetup: '<rootDir>/test/reliability/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/global-teardown.ts',
  testTimeout: 600_000,
  maxWorkers: 1,
  // The suite spawns, kills and freezes processes and clusters; a scenario that fails half-way
  // must not leave CI waiting on a handle after the report is written.
  forceExit: true,
};
