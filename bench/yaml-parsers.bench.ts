// Measures the YAML parsers Gatehouse could use on the benchmark corpus: `js-yaml` 5 (what the loader uses: its
// event API gives source offsets, depth and alias limits), `yaml` (positions through its document model, slower), and
// JSON.parse of the same data (the floor). Run: node --import tsx bench/yaml-parsers.bench.ts [resources]
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { generateCorpus } from './support/corpus.js';
import { parseManifestText } from '../src/kube/manifests.js';
import { fmt, timeRounds, median } from './support/stats.js';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const count = Number(process.argv[2] ?? 2000);
const files = generateCorpus(join(tmpdir(), `gatehouse-yaml-bench-${process.pid}`), count);
const texts = files.map((f) => readFileSync(f, 'utf8'));
const jsonTexts = texts.map((t) => JSON.stringify(parseAllDocuments(t).map((d) => d.toJS())));

const subjects: Record<string, () => void> = {
  'JSON.parse (same data as JSON)': () => { for (const t of jsonTexts) JSON.parse(t); },
  'js-yaml loadAll': () => { for (const t of texts) loadAll(t); },
  'yaml parseAllDocuments + toJS': () => { for (const t of texts) for (const d of parseAllDocuments(t)) d.toJS(); },
  'Gatehouse loader (js-yaml events + limits + lines)': () => { for (const t of texts) parseManifestText(t, 'f.yaml'); },
};
const rows: Record<string, number> = {};
for (const [name, fn] of Object.entries(subjects)) rows[name] = median(await timeRounds(fn, 5, 1));
const base = rows['js-yaml loadAll']!;
console.log(`resources: ${count}`);
for (const [name, ms] of Object.entries(rows)) console.log(`${name.padEnd(42)} ${fmt(ms).padStart(9)} ms  ${fmt(ms / base)}× js-yaml  ${fmt((ms * 1000) / count)} µs/resource`);
