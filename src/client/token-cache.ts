// The people flow's token cache: one file per issuer + client + audience, readable only by its owner (0600 in a
// 0700 directory), written atomically. A file that others can read is not trusted and is replaced.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CachedTokens {
  idToken: string;
  refreshToken?: string;
}

export interface TokenCacheKey {
  issuer: string;
  clientId: string;
  audience?: string;
}

const MAX_CACHE_FILE_BYTES = 64 * 1024;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gatehouse', 'tokens');
}

export class TokenCacheFile {
  readonly path: string;

  constructor(
    private readonly dir: string,
    key: TokenCacheKey,
  ) {
    const digest = createHash('sha256').update(JSON.stringify([key.issuer, key.clientId, key.audience ?? ''])).digest('hex');
    this.path = join(dir, `${digest.slice(0, 32)}.json`);
  }

  read(): CachedTokens | undefined {
    try {
      const stat = statSync(this.path);
      if ((stat.mode & 0o077) !== 0 || stat.size > MAX_CACHE_FILE_BYTES) return undefined;
      const value = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<CachedTokens>;
      if (typeof value.idToken !== 'string') return undefined;
      return { idToken: value.idToken, ...(typeof value.refreshToken === 'string' ? { refreshToken: value.refreshToken } : {}) };
    } catch {
      return undefined;
    }
  }

  write(tokens: CachedTokens): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(tokens), { mode: 0o600, flag: 'wx' });
    renameSync(temp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
