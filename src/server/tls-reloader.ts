// Serving certificate reload without restart. Kubernetes updates mounted Secrets by swapping a symlink in the
// directory, so both the directories holding the files are watched (not the files themselves) and, as a safety
// net for filesystems without change events, the files are polled. A new pair is installed with
// `server.setSecureContext` only when it parses and the key matches the certificate; otherwise the server keeps
// serving the previous pair and the failure is logged.
//
// Usage:
//   const pair = readCertificatePair(certFile, keyFile);           // throws with the file name on bad input
//   const server = https.createServer({ ...pair, … });
//   const reloader = watchCertificatePair(server, { certFile, keyFile, logger, initial: pair });
//   …; reloader.close();
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type Server as TlsServer } from 'node:tls';
import type { Logger } from './logger.js';

export interface CertificatePair {
  cert: Buffer;
  key: Buffer;
}

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** Reads and validates a certificate + key pair; the error names the file and what is wrong with it. */
export function readCertificatePair({ certFile, keyFile }: CertificateFiles): CertificatePair {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${file}: cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const pair = { cert: read(certFile, 'TLS certificate'), key: read(keyFile, 'TLS key') };
  try {
    createSecureContext(pair);
  } catch (err) {
    throw new Error(`${certFile}, ${keyFile}: not a usable certificate and key pair: ${(err as Error).message}`);
  }
  return pair;
}

function fingerprint(pair: CertificatePair): string {
  return createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
}

export interface CertificateReloader {
  /** Re-reads the files now; returns true when a new pair was installed. */
  check(): boolean;
  close(): void;
}

export interface WatchOptions extends CertificateFiles {
  logger: Logger;
  initial: CertificatePair;
  /** Polling interval in ms (default 10 s); change events usually trigger a reload sooner. */
  pollIntervalMs?: number;
}

export function watchCertificatePair(servers: TlsServer | TlsServer[], options: WatchOptions): CertificateReloader {
  const targets = Array.isArray(servers) ? servers : [servers];
  const { certFile, keyFile, logger } = options;
  let current = fingerprint(options.initial);
  let lastFailure = '';
  const check = (): boolean => {
    let pair: CertificatePair;
    try {
      pair = readCertificatePair({ certFile, keyFile });
    } catch (err) {
      // A Secret update writes cert and key separately; a transient mismatch is retried on the next event/poll.
      const message = (err as Error).message;
      if (message !== lastFailure) logger.warn({ certFile, keyFile, err: message }, 'TLS certificate reload failed; still serving the previous certificate');
      lastFailure = message;
      return false;
    }
    lastFailure = '';
    const next = fingerprint(pair);
    if (next === current) return false;
    for (const server of targets) server.setSecureContext(pair);
    current = next;
    logger.info({ certFile, keyFile }, 'TLS certificate reloaded');
    return true;
  };
  let timer: NodeJS.Timeout | undefined;
  const scheduleCheck = () => {
    // Debounce bursts of events (a Secret swap touches several entries).
    clearTimeout(timer);
    timer = setTimeout(check, 100);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(certFile), dirname(keyFile)])) {
    try {
      const watcher = watch(dir, { persistent: false }, scheduleCheck);
      watcher.on('error', (err) => logger.warn({ dir, err: err.message }, 'TLS certificate directory watch failed; polling only'));
      watchers.push(watcher);
    } catch (err) {
      logger.warn({ dir, err: (err as Error).message }, 'cannot watch TLS certificate directory; polling only');
    }
  }
  const poll = setInterval(check, options.pollIntervalMs ?? 10_000);
  poll.unref();
  return {
    check,
    close() {
      clearInterval(poll);
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
