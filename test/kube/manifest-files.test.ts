import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifests, readBounded } from '../../src/kube/manifest-files.js';
import { DEFAULT_LIMITS, type ManifestEntry } from '../../src/kube/manifests.js';

async function collect(paths: string[], limits = DEFAULT_LIMITS): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  for await (const entry of readManifests(paths, limits)) out.push(entry);
  return out;
}

test('directories are read recursively in order, hidden folders and other extensions skipped, loops survived', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-manifests-'));
  try {
    mkdirSync(join(dir, 'b'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    writeFileSync(join(dir, 'b', 'c.json'), '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}');
    writeFileSync(join(dir, 'b', 'd.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n');
    writeFileSync(join(dir, 'b', 'notes.txt'), 'not a manifest');
    writeFileSync(join(dir, '.git', 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hidden}\n');
    symlinkSync(dir, join(dir, 'b', 'loop'));
    const entries = await collect([dir]);
    assert.deepEqual(entries.map((e) => (e.type === 'object' ? e.object.metadata.name : e.message)), ['a', 'c', 'd']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing path and an oversized file are errors naming the file; other files still load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-manifests-'));
  try {
    writeFileSync(join(dir, 'big.yaml'), 'x'.repeat(2048));
    writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n');
    const entries = await collect([join(dir, 'missing.yaml'), dir], { ...DEFAULT_LIMITS, maxFileBytes: 1024 });
    const errors = entries.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? `${e.source.file.split('/').pop()}: ${e.message}` : ''));
    assert.deepEqual(errors, ['missing.yaml: cannot read: no such file or directory', 'big.yaml: cannot read: file is 2048 bytes, larger than the limit of 1024 bytes']);
    assert.equal(entries.filter((e) => e.type === 'object').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readBounded refuses to hold more than the limit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-manifests-'));
  try {
    writeFileSync(join(dir, 'f.yaml'), 'a: b\n');
    assert.equal(await readBounded(join(dir, 'f.yaml'), 100), 'a: b\n');
    await assert.rejects(readBounded(join(dir, 'f.yaml'), 2), /larger than the limit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
