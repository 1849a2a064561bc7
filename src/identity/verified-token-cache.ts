// Verified tokens, so a client replaying its token on every request costs one hash, not one signature check.
// Keyed by the SHA-256 of the whole token (never the token itself, never a part of it); bounded by count with
// least-recently-used eviction; an entry is dropped once its token's `exp` has passed.
import { hash } from 'node:crypto';
import type { Principal } from './principal.js';

export const DEFAULT_TOKEN_CACHE_SIZE = 10_000;

export function tokenDigest(token: string): string {
  // One-shot: cheaper than creating a Hash object per token, which the cached path pays on every request.
  return hash('sha256', token, 'base64');
}

export class VerifiedTokenCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used entry first.
  private readonly entries = new Map<string, Principal>();
  /** The entry last (re-)inserted, which a hit need not move: a client re-using its token hits it every time. */
  private newest: string | undefined;

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(digest: string): Principal | undefined {
    const principal = this.entries.get(digest);
    if (!principal) return undefined;
    if (principal.expiresAt.getTime() <= this.now()) {
      this.entries.delete(digest);
      return undefined;
    }
    if (digest !== this.newest) {
      this.entries.delete(digest);
      this.entries.set(digest, principal);
      this.newest = digest;
    }
    return principal;
  }

  set(digest: string, principal: Principal): void {
    if (this.maxEntries <= 0 || principal.expiresAt.getTime() <= this.now()) return;
    this.entries.delete(digest);
    this.entries.set(digest, principal);
    this.newest = digest;
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
    this.newest = undefined;
  }
}
