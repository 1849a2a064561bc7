// Runs every test/**/*.test.ts with Node's built-in runner (TypeScript loaded through tsx).
// Usage: node scripts/run-tests.mjs [substring-filter…]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];
// A test that hangs fails after this long instead of stalling the run (end-to-end tests finish in seconds).
const timeout = ['--test-timeout=180000'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...timeout, ...reporter, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
