// Progress on stderr for runs that take more than a moment, only when stderr is a terminal.
const DELAY_MS = 1500;
const INTERVAL_MS = 250;

export interface Progress {
  update(count: number): void;
  done(): void;
}

export function startProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(count) {
      const now = Date.now();
      if (now - started < DELAY_MS || now - last < INTERVAL_MS) return;
      last = now;
      shown = true;
      stream.write(`\r${label}: ${count} resources…`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
