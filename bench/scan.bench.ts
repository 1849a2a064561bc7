// Whole-CLI `gatehouse scan` (PSS restricted + built-in rules, text report by default) against a baseline that only
// reads and parses the same files, on generated corpora of 1k, 10k and 50k resources. Both run as fresh processes
// from the built dist/, interleaved round by round. Reports the ratio, µs per resource (to show cost is linear) and
// peak RSS. The report goes to standard output, discarded.
// Run: npm run build && node --import tsx bench/scan.bench.ts [sizes…]   (default 1000 10000 50000)
//      FORMAT=json|sarif|junit|policyreport for another format; BENCH_ROUNDS=n (default 3)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusDir } from './support/corpus.js';
import { fmt, median } from './support/stats.js';

const root = new URL('..', import.meta.url).pathname;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const format = process.env.FORMAT ?? 'text';
const rssDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-rss-'));

function run(args: string[]): { ms: number; rss: number } {
  const rssFile = join(rssDir, 'rss');
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', join(root, 'bench/support/report-rss.mjs'), ...args], {
    cwd: root, env: { ...process.env, GATEHOUSE_BENCH_RSS_FILE: rssFile, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0 && child.status !== 1) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { ms, rss: Number(readFileSync(rssFile, 'utf8')) };
}

const rows = [];
for (const size of sizes.length > 0 ? sizes : [1000, 10000, 50000]) {
  const dir = corpusDir(size);
  const scan: { ms: number; rss: number }[] = [];
  const parse: { ms: number; rss: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    parse.push(run([join(root, 'bench/support/parse-only.mjs'), dir]));
    scan.push(run([join(root, 'dist/cli/main.js'), 'scan', dir, '--pss', 'restricted:latest', '--format', format]));
  }
  const scanMs = median(scan.map((r) => r.ms));
  const parseMs = median(parse.map((r) => r.ms));
  const row = {
    format,
    resources: size,
    scanMs: Math.round(scanMs),
    parseOnlyMs: Math.round(parseMs),
    ratio: Number(fmt(scanMs / parseMs)),
    scanUsPerResource: Number(fmt((scanMs * 1000) / size, 1)),
    parseUsPerResource: Number(fmt((parseMs * 1000) / size, 1)),
    scanPeakRssMB: Math.round(Math.max(...scan.map((r) => r.rss)) / 2 ** 20),
    parsePeakRssMB: Math.round(Math.max(...parse.map((r) => r.rss)) / 2 ** 20),
  };
  rows.push(row);
  console.log(`${String(size).padStart(6)} resources, ${format}: scan ${row.scanMs} ms, parse-only ${row.parseOnlyMs} ms, ratio ${row.ratio}× (target ≤ 2), ` +
    `${row.scanUsPerResource} µs/resource, peak RSS ${row.scanPeakRssMB} MB (target ≤ 300 at 50k)`);
}
rmSync(rssDir, { recursive: true, force: true });
console.log(JSON.stringify({ benchmark: 'scan', rounds, rows }));
