/**
 * One jest run for the whole monorepo: unit specs (*.spec.ts), integration specs against real
 * PostgreSQL and Kafka (*.int-spec.ts) beside the code, end-to-end specs in test/ (*.e2e-spec.ts).
 * Type checking is `npm run typecheck`; jest only transpiles.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test', '<rootDir>/bench'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/reliability/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@touchline/(.*)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 60_000,
  maxWorkers: 2,
};
