#!/usr/bin/env node
/**
 * Prints "tests: N passed, N failed" from jest's JSON report; exits 1 when anything failed, the
 * report is missing, or no test ran. Suites that failed to run at all count as failed tests.
 */
const fs = require('node:fs');

const file = process.argv[2] || 'reports/jest.json';
if (!fs.existsSync(file)) {
  console.log(`ci: no jest report at ${file}`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const brokenSuites = report.testResults.filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
);
for (const suite of brokenSuites)
  console.log(`ci: suite failed to run: ${suite.name}\n${suite.message}`);
const passed = report.numPassedTests;
const failed = report.numFailedTests + brokenSuites.length;
const skipped = report.numPendingTests + report.numTodoTests;
if (skipped > 0) {
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults) {
      if (test.status === 'pending' || test.status === 'skipped')
        console.log(`ci: skipped: ${test.fullName}`);
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
