// The scan benchmark's baseline: read and parse the same manifests with the same loader and limits, evaluate nothing.
import { readManifests } from '../../dist/kube/manifest-files.js';

let objects = 0;
for await (const entry of readManifests(process.argv.slice(2))) if (entry.type === 'object') objects++;
process.stdout.write(`${objects}\n`);
