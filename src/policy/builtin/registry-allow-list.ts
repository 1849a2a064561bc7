// The trusted-registry allow-list: entries are a registry host (`ghcr.io`, `registry.internal:5000`) or a registry
// and repository prefix (`ghcr.io/acme`, `docker.io/library`). Images are compared in normalised form, so `nginx`
// is `docker.io/library/nginx`; a prefix matches whole path components only (`ghcr.io/acme` does not admit
// `ghcr.io/acme-evil/x`). Hosts compare case-insensitively, as DNS does; `index.docker.io` means `docker.io`.
import { DOCKER_HUB, isRegistryHost, isRepositoryPathComponent, type ImageReference } from '../../kube/image-reference.js';

export interface RegistryPrefix {
  /** As written in the configuration. */
  entry: string;
  /** Lower-cased host with optional port. */
  host: string;
  /** Repository prefix below the host; empty for the whole registry. */
  path: string;
}

const MAX_ENTRY_LENGTH = 512;

/** Parses one allow-list entry; throws an Error whose message says what is wrong with it. */
export function parseRegistryPrefix(entry: string): RegistryPrefix {
  if (entry === '') throw new Error('an empty entry would allow nothing; remove it');
  if (entry.length > MAX_ENTRY_LENGTH) throw new Error(`longer than ${MAX_ENTRY_LENGTH} characters`);
  if (entry.includes('*')) throw new Error('wildcards are not supported; a prefix already covers everything below it');
  const [first, ...components] = entry.split('/') as [string, ...string[]];
  const looksLikeHost = first === 'localhost' || first.includes('.') || first.includes(':');
  if (!looksLikeHost) {
    const hub = components.length === 0 ? `${DOCKER_HUB}/library/${entry}` : `${DOCKER_HUB}/${entry}`;
    throw new Error(`does not start with a registry host; for Docker Hub write ${hub}`);
  }
  if (!isRegistryHost(first)) throw new Error(`registry host ${JSON.stringify(first)} is invalid`);
  for (const component of components) {
    if (component === '') throw new Error('has an empty path component (no trailing or double "/")');
    if (/[:@]/.test(component)) throw new Error('a tag or digest cannot be part of an entry; list a registry host or a repository prefix');
    if (!isRepositoryPathComponent(component)) throw new Error(`path component ${JSON.stringify(component)} is not a valid repository name component`);
  }
  const host = first.toLowerCase();
  return { entry, host: host === 'index.docker.io' ? DOCKER_HUB : host, path: components.join('/') };
}

export class RegistryAllowList {
  private readonly prefixes: readonly RegistryPrefix[];

  constructor(entries: readonly string[]) {
    this.prefixes = entries.map((entry, index) => {
      try {
        return parseRegistryPrefix(entry);
      } catch (err) {
        throw new Error(`allowed registry [${index}] ${JSON.stringify(entry)}: ${(err as Error).message}`);
      }
    });
  }

  /** The entry that admits the image, or undefined when none does. */
  match(ref: ImageReference): RegistryPrefix | undefined {
    const host = ref.registry.toLowerCase();
    return this.prefixes.find((p) => p.host === host && (p.path === '' || ref.repository === p.path || ref.repository.startsWith(`${p.path}/`)));
  }
}
