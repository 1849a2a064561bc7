// Preloaded into a benchmarked process (node --import): reports its peak resident set size on exit through the
// file named by GATEHOUSE_BENCH_RSS_FILE, so the CLI is measured as it is without code of its own for this.
import { writeFileSync } from 'node:fs';

const file = process.env.GATEHOUSE_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
