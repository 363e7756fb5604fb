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

const run = spawnSync(process.execPath, [
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=junit', `--test-reporter-destination=${junit}`,
  path.join(here, 'store.test.mjs'),
], { stdio: 'inherit', cwd: here });
console.log(`JUnit report: ${junit}`);
process.exit(run.status ?? 1);
