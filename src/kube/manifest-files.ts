// Turns the paths a user names into manifest entries: files, directories (recursively, `.yaml`/`.yml`/`.json`),
// and `-` for stdin. Files are read one at a time so memory follows the largest file, not the whole tree.
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { DEFAULT_LIMITS, parseManifestText, type ManifestEntry, type ManifestLimits } from './manifests.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
export const STDIN_PATH = '-';

/** The files the given paths expand to, in a stable order. Unreadable paths become error entries. */
export async function expandPaths(paths: readonly string[]): Promise<{ files: string[]; errors: ManifestEntry[] }> {
  const files: string[] = [];
  const errors: ManifestEntry[] = [];
  const seenDirs = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return; // a symlink loop, or the same tree named twice
    seenDirs.add(real);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      // Hidden folders are tooling state (.git, .helm, .kyverno-test), not manifests to deploy.
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) await walk(path);
      else if (info?.isFile() && MANIFEST_EXTENSIONS.has(extname(name).toLowerCase())) files.push(path);
    }
  };
  for (const path of paths) {
    if (path === STDIN_PATH) {
      files.push(STDIN_PATH);
      continue;
    }
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      errors.push({ type: 'error', message: `cannot read: ${info.code === 'ENOENT' ? 'no such file or directory' : info.message}`, source: { file: path, line: 1 } });
    } else if (info.isDirectory()) {
      await walk(path);
    } else {
      files.push(path);
    }
  }
  return { files, errors };
}

/** Reads a file or stdin as UTF-8, refusing anything larger than `maxBytes` before holding it in memory. */
export async function readBounded(path: string, maxBytes: number): Promise<string> {
  if (path === STDIN_PATH) return readStreamBounded(process.stdin, maxBytes, 'stdin');
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new Error(`file is ${size} bytes, larger than the limit of ${maxBytes} bytes`);
    return await readStreamBounded(handle.createReadStream({ autoClose: false }), maxBytes, path);
  } finally {
    await handle.close();
  }
}

async function readStreamBounded(stream: NodeJS.ReadableStream, maxBytes: number, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) throw new Error(`${name} is larger than the limit of ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How a path is shown in results: relative to the working directory when inside it, with forward slashes. */
export function displayPath(path: string, cwd = process.cwd()): string {
  if (path === STDIN_PATH) return '<stdin>';
  const rel = relative(cwd, path);
  const shown = rel !== '' && !rel.startsWith('..') ? rel : path;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** Every manifest entry under the given paths, one file at a time. */
export async function* readManifests(paths: readonly string[], limits: ManifestLimits = DEFAULT_LIMITS): AsyncGenerator<ManifestEntry> {
  const { files, errors } = await expandPaths(paths);
  yield* errors;
  for (const file of files) {
    const shown = displayPath(file);
    let text: string;
    try {
      text = await readBounded(file, limits.maxFileBytes);
    } catch (err) {
      yield { type: 'error', message: `cannot read: ${(err as Error).message}`, source: { file: shown, line: 1 } };
      continue;
    }
    yield* parseManifestText(text, shown, limits);
  }
}
