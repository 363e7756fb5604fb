// Runs the browser tests with node's test runner: a readable report on stdout and JUnit XML in
// $BOOKSTORE_TEST_RESULTS/browser.xml (what ./bookstore test counts).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const results = process.env.BOOKSTORE_TEST_RESULTS || path.join(here, 'output');
mkdirSync(results, { recursive: true });
const junit = path.join(results, 'browser.xml');

// One test file, whose tests run one after another; the JUnit reporter is ours (junit.mjs), so that
// Debian 12's Node 18 runs this as well as a newer Node does.
const run = spawnSync(process.execPath, [
  '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./junit.mjs', `--test-reporter-destination=${junit}`,
  path.join(here, 'store.test.mjs'),
], { stdio: 'inherit', cwd: here });
console.log(`JUnit report: ${junit}`);
process.exit(run.status ?? 1);
