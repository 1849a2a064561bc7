// Finds the Kyverno test manifests under the given folders: every `kyverno-test.yaml`, including the ones kept in
// a `.kyverno-test/` folder next to a policy. Other hidden folders (.git…) and node_modules are not searched.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TEST_FILE_NAMES } from './test-file.js';

const SKIPPED_DIRS = new Set(['node_modules']);

export async function findTestFiles(paths: readonly string[]): Promise<{ files: string[]; errors: string[] }> {
  const files: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) {
        if ((name.startsWith('.') && name !== '.kyverno-test') || SKIPPED_DIRS.has(name)) continue;
        await walk(path);
      } else if (info?.isFile() && TEST_FILE_NAMES.includes(name)) {
        files.push(path);
      }
    }
  };
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) errors.push(`${path}: no such file or directory`);
    else if (info.isDirectory()) await walk(path);
    else if (TEST_FILE_NAMES.includes(basename(path))) files.push(path);
    else errors.push(`${path}: not a folder or a kyverno-test.yaml file`);
  }
  return { files, errors };
}
