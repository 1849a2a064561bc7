import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '../../src/identity/principal.js';
import { VerifiedTokenCache, tokenDigest } from '../../src/identity/verified-token-cache.js';

const principal = (name: string, expiresAt: number): Principal => ({ user: { username: name }, issuer: 'https://i', claims: {}, expiresAt: new Date(expiresAt) });

describe('verified-token cache', () => {
  it('keys by the SHA-256 of the whole token', () => {
    assert.equal(tokenDigest('a.b.c'), 'hF4wRIgJ4ryJWOsCW/x5UjXROwd6U9DDq70jhRcNybg=');
    assert.notEqual(tokenDigest('a.b.c'), tokenDigest('a.b.d'));
  });

  it('evicts the least recently used entry beyond its size', () => {
    const cache = new VerifiedTokenCache(2, () => 0);
    cache.set('a', principal('a', 1000));
    cache.set('b', principal('b', 1000));
    assert.ok(cache.get('a'));
    cache.set('c', principal('c', 1000));
    assert.equal(cache.get('b'), undefined);
    assert.ok(cache.get('a') && cache.get('c'));
    assert.equal(cache.size, 2);
  });

  it('keeps the recency order when the most recent entry is hit again and again', () => {
    let now = 0;
    const cache = new VerifiedTokenCache(2, () => now);
    cache.set('a', principal('a', 1000));
    cache.set('b', principal('b', 1000));
    for (let i = 0; i < 3; i++) assert.ok(cache.get('b'));
    assert.ok(cache.get('a'));
    assert.ok(cache.get('a'));
    cache.set('c', principal('c', 1000));
    assert.equal(cache.get('b'), undefined, 'b became the least recently used once a was hit');
    assert.ok(cache.get('a') && cache.get('c'));
    now = 1000;
    assert.equal(cache.get('c'), undefined, 'the most recent entry expires too');
    assert.equal(cache.size, 1);
  });

  it('never serves an entry past its token expiry', () => {
    let now = 0;
    const cache = new VerifiedTokenCache(10, () => now);
    cache.set('a', principal('a', 1000));
    cache.set('expired', principal('x', 0));
    assert.equal(cache.size, 1);
    now = 999;
    assert.ok(cache.get('a'));
    now = 1000;
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.size, 0);
  });
});
