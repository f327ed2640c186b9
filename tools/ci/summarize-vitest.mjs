// Prints the plain closing line CI reads ("N passed, N failed") from vitest's JSON report.
// Errors vitest caught outside any test (an unhandled rejection in a test file's process) fail
// the run but are not in the JSON report: when the run's console output is given, they are
// printed again here, right above the closing line (CI shows only the tail of a long log), and
// counted as failures, so the line agrees with the exit code.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'tmp/vitest-report.json';
const consoleLog = process.argv[3];
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`no vitest JSON report at ${file}: the test run did not finish`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A suite that failed to load has no test results of its own: count it as a failure.
const failedSuites = (report.testResults ?? []).filter((suite) => suite.status === 'failed' && (suite.assertionResults ?? []).length === 0).length;

let unhandled = 0;
if (consoleLog && existsSync(consoleLog)) {
  // vitest colours its output: strip the escapes.
  const text = readFileSync(consoleLog, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  const caught = /Vitest caught (\d+) unhandled errors? during the test run/.exec(text);
  if (caught) {
    unhandled = Number(caught[1]);
    const start = text.lastIndexOf('\n', text.lastIndexOf('Unhandled Error', caught.index)) + 1;
    const end = text.indexOf(' Test Files ', caught.index);
    console.log(`\n== the ${unhandled} unhandled error(s) vitest caught, again:\n`);
    console.log(text.slice(start, end === -1 ? undefined : end).trim().slice(0, 12_000));
    console.log();
  }
}
const line = `${report.numPassedTests} passed, ${report.numFailedTests + failedSuites + unhandled} failed` + (skipped ? `, ${skipped} skipped` : '');
console.log(line);
