// CPU time of benchmarked servers, read from /proc, so a benchmark can report CPU per request: on a shared machine
// that is steadier than requests per second, and it tells a server's own cost apart from the load generator's.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc; NaN elsewhere). */
export function processTreeCpuSeconds(pid: number): number {
  const stat = (p: number) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  };
  try {
    const all = new Map<number, { ppid: number; cpu: number }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        all.set(Number(entry), stat(Number(entry)));
      } catch {
        // the process ended while we looked
      }
    }
    const tree = new Set([pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [p, s] of all) if (!tree.has(p) && tree.has(s.ppid)) (tree.add(p), (grew = true));
    }
    return [...tree].reduce((sum, p) => sum + (all.get(p)?.cpu ?? 0), 0);
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) this process has used so far, e.g. a load generator running inside the benchmark. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
