// Container image references, parsed and normalised exactly as the distribution reference grammar does
// (github.com/distribution/reference `ParseNormalizedNamed`, which kubelet and container runtimes use):
//
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [ host [ ":" port ] "/" ] path-component ( "/" path-component )*
//   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest     := algorithm ":" hex        (sha256, sha384, sha512: exact-length lowercase hex)
//
// The first name component is a registry host when it contains "." or ":", is "localhost", or has an upper-case
// letter; otherwise the image is on Docker Hub (`docker.io`), and single-component Hub names get `library/`
// (`nginx` → `docker.io/library/nginx`). `index.docker.io` is the legacy spelling of `docker.io`.
//
// One deliberate difference: Go's parser accepts a first component that looks like a host but is not a valid one
// (`a.b_c/d`) as a host-less name; a reference without a registry cannot be pulled, so it is an error here.
//
// The parser is hand-written rather than one large regular expression so that every rejection says which part is
// wrong, and so that its cost is linear in the (bounded) input length.

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Repository path within the registry, e.g. `library/nginx`, `acme/api`. */
  readonly repository: string;
  /** `registry/repository`. */
  readonly name: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  readonly digest?: string;
}

export class ImageReferenceError extends Error {
  override name = 'ImageReferenceError';
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`invalid image reference ${quoteReference(reference)}: ${reason}`);
  }
}

export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const LOCALHOST = 'localhost';
/** Longest repository path the grammar allows. */
export const MAX_REPOSITORY_LENGTH = 255;
/** Longest input examined at all: a full host, a 255-character path, a 128-character tag and a sha512 digest fit. */
export const MAX_REFERENCE_LENGTH = 1024;
const MAX_QUOTED = 200;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** Algorithms whose encoded form is fixed (lowercase hex of the hash length), as go-digest registers them. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** `text` quoted for a message, shortened when it is too long to be a reference anyway. */
export function quoteReference(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);
}

/** Whether `text` is a registry host as the grammar allows it: DNS-like name, IPv4, or bracketed IPv6, with optional port. */
export function isRegistryHost(text: string): boolean {
  return HOST.test(text);
}

/** Whether `text` is one `/`-separated component of a repository path. */
export function isRepositoryPathComponent(text: string): boolean {
  return PATH_COMPONENT.test(text);
}

/** Parses and normalises `text`; throws ImageReferenceError naming the part that is wrong. */
export function parseImageReference(text: string): ImageReference {
  const fail = (reason: string): never => {
    throw new ImageReferenceError(text, reason);
  };
  if (text === '') fail('the reference is empty');
  if (text.length > MAX_REFERENCE_LENGTH) fail(`longer than ${MAX_REFERENCE_LENGTH} characters`);
  if (IDENTIFIER.test(text)) fail('a bare 64-character hexadecimal string is an image ID, not a repository name');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(digest, fail);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      fail(`tag ${JSON.stringify(tag)} is invalid (1–128 characters of letters, digits, "_", "." and "-", not starting with "." or "-")`);
    }
  }
  if (rest === '') fail('the repository name is missing');

  const { registry, repository } = splitRegistry(rest);
  if (!HOST.test(registry)) fail(`registry host ${JSON.stringify(registry)} is invalid`);
  if (repository !== repository.toLowerCase()) fail(`repository name ${JSON.stringify(repository)} must be lowercase`);
  for (const component of repository.split('/')) {
    if (component === '') fail(`repository name ${JSON.stringify(repository)} has an empty path component`);
    if (!PATH_COMPONENT.test(component)) {
      fail(`repository path component ${JSON.stringify(component)} is invalid (lowercase letters and digits, separated by ".", "_", "__" or "-")`);
    }
  }
  if (repository.length > MAX_REPOSITORY_LENGTH) fail(`repository name is longer than ${MAX_REPOSITORY_LENGTH} characters`);

  const ref: { -readonly [K in keyof ImageReference]: ImageReference[K] } = { registry, repository, name: `${registry}/${repository}` };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return Object.freeze(ref);
}

/** The parsed reference, or the reason it is invalid, for callers that report rather than throw. */
export function tryParseImageReference(text: string): { ok: true; reference: ImageReference } | { ok: false; error: ImageReferenceError } {
  try {
    return { ok: true, reference: parseImageReference(text) };
  } catch (err) {
    if (err instanceof ImageReferenceError) return { ok: false, error: err };
    throw err;
  }
}

/** The fully qualified form: `docker.io/library/nginx:1.27@sha256:…`. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The short form Docker shows: `nginx`, `acme/api`, `ghcr.io/acme/api` (name only, without tag or digest). */
export function familiarName(ref: ImageReference): string {
  if (ref.registry !== DOCKER_HUB) return ref.name;
  if (ref.repository.startsWith(OFFICIAL_PREFIX)) {
    const rest = ref.repository.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.repository;
}

/** Splits registry from repository the way Docker does, applying the Docker Hub defaults. */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: DOCKER_HUB, repository: OFFICIAL_PREFIX + name };
  const first = name.slice(0, slash);
  const remainder = name.slice(slash + 1);
  const isHost = first === LOCALHOST || first.includes('.') || first.includes(':') || first !== first.toLowerCase();
  if (!isHost) return { registry: DOCKER_HUB, repository: name };
  const registry = first === LEGACY_DOCKER_HUB ? DOCKER_HUB : first;
  const repository = registry === DOCKER_HUB && !remainder.includes('/') ? OFFICIAL_PREFIX + remainder : remainder;
  return { registry, repository };
}

function checkDigest(digest: string, fail: (reason: string) => never): void {
  if (!DIGEST.test(digest)) {
    fail(`digest ${JSON.stringify(digest)} is invalid (expected algorithm:hex, e.g. sha256: followed by 64 hex digits)`);
  }
  const [algorithm, hex] = digest.split(':') as [string, string];
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) fail(`digest algorithm ${JSON.stringify(algorithm)} is not supported (sha256, sha384 or sha512)`);
  if (hex.length !== length) fail(`${algorithm} digest must have ${length} hex digits, not ${hex.length}`);
  if (!/^[a-f0-9]+$/.test(hex)) fail(`${algorithm} digest must be lowercase hex`);
}
