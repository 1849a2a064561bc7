// Runs the real `kubectl` on a manifest stream against the fake discovery server and returns the objects it
// decoded, or undefined when kubectl is not installed.
import { spawnSync } from 'node:child_process';
import { runProcess } from '../../support/cli.js';
import { startFakeDiscovery } from './fake-discovery.js';

export const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** kubectl prints several objects as concatenated JSON documents. */
function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

export async function kubectlDecode(manifests: string): Promise<{ status: number | null; stderr: string; objects: unknown[] }> {
  const discovery = await startFakeDiscovery();
  try {
    // --dry-run=client: kubectl maps each kind through discovery and decodes it, but never sends it anywhere.
    const { code: status, stdout, stderr } = await runProcess('kubectl', ['create', '--dry-run=client', '--validate=false', '-o', 'json', '-f', '-', '--server', discovery.url],
      { env: { ...process.env, KUBECONFIG: '/dev/null' }, stdin: manifests });
    return { status, stderr, objects: splitJsonStream(stdout) };
  } finally {
    await discovery.close();
  }
}
