#!/usr/bin/env node
/**
 * Prints "tests: N passed, N failed" summed over jest's JSON reports (the main run, then the
 * reliability suite); exits 1 when anything failed, a report is missing, or no test ran. Suites
 * that failed to run at all count as failed tests, and so does a missing report.
 *
 *   node scripts/ci-summary.js reports/jest.json reports/reliability.json
 */
const fs = require('node:fs');

const files = process.argv.length > 2 ? process.argv.slice(2) : ['reports/jest.json'];
let passed = 0;
let failed = 0;
for (const file of files) {
  if (!fs.existsSync(file)) {
    console.log(`ci: no jest report at ${file}`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const brokenSuites = report.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  );
  for (const suite of brokenSuites)
    console.log(`ci: suite failed to run: ${suite.name}\n${suite.message}`);
  const skipped = report.numPendingTests + report.numTodoTests;
  if (skipped > 0) {
    for (const suite of report.testResults) {
      for (const test of suite.assertionResults) {
        if (test.status === 'pending' || test.status === 'skipped')
          console.log(`ci: skipped: ${test.fullName}`);
      }
    }
  }
  if (files.length > 1)
    console.log(
      `ci: ${file}: ${report.numPassedTests} passed, ${report.numFailedTests + brokenSuites.length} failed`,
    );
  passed += report.numPassedTests;
  failed += report.numFailedTests + brokenSuites.length;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
