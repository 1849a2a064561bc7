// Keeps the serving policy set in step with the policy files. Changes are noticed by watching the paths (and, for
// filesystems without change events, by polling a fingerprint of their contents); a new set replaces the old one
// only when every policy in it compiled. A set that fails is rejected with a log line naming the problem, and the
// previous set keeps serving — a typo in a policy never turns into an outage.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { expandPaths } from '../kube/manifest-files.js';
import type { Logger } from '../server/logger.js';
import type { AdmissionMetrics } from './metrics.js';
import type { PolicySet } from './policy-set.js';

export interface PolicyReloader {
  current(): PolicySet;
  /** Re-reads the files now when they changed; resolves to true when a new set was installed. */
  check(): Promise<boolean>;
  close(): void;
}

export interface PolicyReloaderOptions {
  paths: readonly string[];
  build(): Promise<PolicySet>;
  logger: Logger;
  metrics: AdmissionMetrics;
  /** Polling interval in ms (default 10 s); change events usually trigger a reload sooner. */
  pollIntervalMs?: number;
}

/** A hash of every policy file's name and contents, so a reload happens only when something really changed. */
async function fingerprint(paths: readonly string[]): Promise<string> {
  const { files, errors } = await expandPaths(paths);
  const hash = createHash('sha256');
  for (const error of errors) hash.update(`error\0${error.source.file}\0${error.type === 'error' ? error.message : ''}\0`);
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(file).catch((err: Error) => `unreadable: ${err.message}`));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Builds the first set (throwing when it fails: there is nothing to fall back on) and watches for changes. */
export async function startPolicyReloader(options: PolicyReloaderOptions): Promise<PolicyReloader> {
  const { logger, metrics } = options;
  let printed = await fingerprint(options.paths);
  let serving = await options.build();
  metrics.policiesLoaded.set(serving.size);
  let running: Promise<boolean> | undefined;
  let again = false;

  const reload = async (): Promise<boolean> => {
    const next = await fingerprint(options.paths);
    if (next === printed) return false;
    try {
      serving = await options.build();
    } catch (err) {
      // Remember the failed contents so the same broken files are not recompiled (and logged) on every poll.
      printed = next;
      metrics.policyReloads.inc({ result: 'rejected' });
      logger.error({ paths: options.paths, err: (err as Error).message }, 'policy reload rejected; the previous policy set keeps serving');
      return false;
    }
    printed = next;
    metrics.policyReloads.inc({ result: 'applied' });
    metrics.policiesLoaded.set(serving.size);
    logger.info({ paths: options.paths, policies: serving.size }, 'policy set reloaded');
    return true;
  };
  // One reload at a time; changes that arrive meanwhile are picked up by one more run afterwards.
  const check = (): Promise<boolean> => {
    if (running) {
      again = true;
      return running;
    }
    running = reload().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void check();
      }
    });
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  const scheduleCheck = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(), 200);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const path of options.paths) {
    const isDir = (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
    // A file's directory is watched, not the file: ConfigMap volumes replace files by swapping a symlink.
    const target = isDir ? path : dirname(path);
    try {
      const watcher = watch(target, { persistent: false, recursive: isDir }, scheduleCheck);
      watcher.on('error', (err) => logger.warn({ path: target, err: err.message }, 'policy directory watch failed; polling only'));
      watchers.push(watcher);
    } catch (err) {
      logger.warn({ path: target, err: (err as Error).message }, 'cannot watch policy path; polling only');
    }
  }
  const poll = setInterval(() => void check(), options.pollIntervalMs ?? 10_000);
  poll.unref();
  return {
    current: () => serving,
    check,
    close() {
      clearInterval(poll);
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
