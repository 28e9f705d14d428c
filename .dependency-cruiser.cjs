/**
 * Layer rules, checked in CI (`npm run depcruise`):
 * - the domain (touchpoint catalogue, analytics math) imports no infrastructure;
 * - a library is used through its public index.ts, never through its internals;
 * - apps are wiring: they use libraries' public surfaces only;
 * - no cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-infrastructure',
      severity: 'error',
      comment:
        'Domain code is pure TypeScript: no Nest, pg, TypeORM, Kafka or event store clients.',
      from: { path: '^libs/(touchpoints|analytics)/' },
      to: {
        path: 'node_modules/(pg|pg-[^/]+|kafkajs|typeorm|@nestjs/[^/]+|@eventstore/[^/]+|@electric-sql/[^/]+)/',
      },
    },
    {
      name: 'libraries-through-their-index',
      severity: 'error',
      comment: 'Import another library as @touchline/<name> (its index.ts), not its internals.',
      from: { path: '^(libs|apps)/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: ['^libs/$2/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^reports/|\\.(spec|int-spec|e2e-spec)\\.ts$)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default'],
    },
  },
};
