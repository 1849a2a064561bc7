// A bearer token kept in a file that rotates (a projected service-account token is replaced by the kubelet well
// before it expires). The file is re-read when its directory changes and at least every minute (as client-go
// does); a failed re-read keeps the last good token and is logged.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../server/logger.js';

const MAX_TOKEN_BYTES = 64 * 1024;

export interface TokenSource {
  token(): string;
  close(): void;
}

export function readTokenFile(path: string): string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read token: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (data.length > MAX_TOKEN_BYTES) throw new Error(`${path}: token file larger than ${MAX_TOKEN_BYTES} bytes`);
  const token = data.toString('utf8').trim();
  if (token === '') throw new Error(`${path}: token file is empty`);
  if (!/^[\x21-\x7e]+$/.test(token)) throw new Error(`${path}: token contains characters not allowed in a bearer token`);
  return token;
}

export function watchTokenFile(path: string, logger: Logger, maxAgeMs = 60_000): TokenSource {
  let current = readTokenFile(path);
  let readAt = Date.now();
  let stale = false;
  const reload = () => {
    try {
      const next = readTokenFile(path);
      if (next !== current) logger.info({ tokenFile: path }, 'upstream token reloaded');
      current = next;
    } catch (err) {
      logger.warn({ tokenFile: path, err: (err as Error).message }, 'upstream token re-read failed; keeping the previous token');
    }
    readAt = Date.now();
    stale = false;
  };
  let watcher: FSWatcher | undefined;
  try {
    // Only the token file itself, or the `..data` symlink swap of a Kubernetes volume, marks the token stale.
    const name = basename(path);
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (!changed || changed === name || changed.startsWith('..')) stale = true;
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No change events on this filesystem: the age check below still re-reads every minute.
  }
  return {
    token() {
      if (stale || Date.now() - readAt > maxAgeMs) reload();
      return current;
    },
    close: () => watcher?.close(),
  };
}
