// SARIF locations name files by URI. GitHub code scanning matches them to repository files, so paths are made
// relative to the base directory with forward slashes, and each segment is percent-encoded to stay a valid URI.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export function artifactUri(file: string, baseDir: string): string {
  const rel = relative(baseDir, resolve(baseDir, file));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return pathToFileURL(resolve(baseDir, file)).href;
  return rel.split(sep).flatMap((s) => s.split('/')).map(encodeURIComponent).join('/');
}
