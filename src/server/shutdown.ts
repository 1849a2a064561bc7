// Runs a graceful shutdown once on the first SIGTERM or SIGINT (Kubernetes sends SIGTERM, then SIGKILL after the
// pod's terminationGracePeriodSeconds); a second signal exits immediately.
//
// Usage: const dispose = onShutdownSignal(() => server.shutdown(20_000), logger);
import type { Logger } from './logger.js';

export function onShutdownSignal(shutdown: () => Promise<void>, logger: Logger): () => void {
  let started = false;
  const handler = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    started = true;
    logger.info({ signal }, 'shutting down');
    shutdown().then(
      () => logger.info('shutdown complete'),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
