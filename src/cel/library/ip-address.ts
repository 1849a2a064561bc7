// IP addresses and prefixes with Go net/netip semantics (strict parsing: no leading zeros in IPv4 octets, no
// zones, canonical RFC 5952 text), as Kubernetes' ip and cidr CEL libraries use them.

export class IPAddress {
  constructor(readonly bytes: Uint8Array) {}

  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }

  isUnspecified(): boolean {
    return this.bytes.every((b) => b === 0);
  }

  isLoopback(): boolean {
    if (this.family === 4) return this.bytes[0] === 127;
    return this.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
  }

  isMulticast(): boolean {
    return this.family === 4 ? (this.bytes[0]! & 0xf0) === 0xe0 : this.bytes[0] === 0xff;
  }

  isLinkLocalMulticast(): boolean {
    if (this.family === 4) return this.bytes[0] === 224 && this.bytes[1] === 0 && this.bytes[2] === 0;
    return this.bytes[0] === 0xff && (this.bytes[1]! & 0x0f) === 0x02;
  }

  isLinkLocalUnicast(): boolean {
    if (this.family === 4) return this.bytes[0] === 169 && this.bytes[1] === 254;
    return this.bytes[0] === 0xfe && (this.bytes[1]! & 0xc0) === 0x80;
  }

  isGlobalUnicast(): boolean {
    if (this.family === 4 && this.bytes.every((b) => b === 255)) return false;
    return !this.isUnspecified() && !this.isLoopback() && !this.isMulticast() && !this.isLinkLocalUnicast();
  }

  equals(other: unknown): boolean {
    return other instanceof IPAddress && other.bytes.length === this.bytes.length && other.bytes.every((b, i) => b === this.bytes[i]);
  }

  toString(): string {
    if (this.family === 4) return this.bytes.join('.');
    const groups: number[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((this.bytes[i]! << 8) | this.bytes[i + 1]!);
    // Compress the longest run (leftmost on ties) of at least two zero groups.
    let bestStart = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (bestStart < 0) return hex.join(':');
    return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
  }
}

export class IPPrefix {
  constructor(
    /** The address as written (not necessarily masked). */
    readonly address: IPAddress,
    readonly prefixLength: number,
  ) {}

  masked(): IPPrefix {
    const bytes = new Uint8Array(this.address.bytes);
    for (let i = 0; i < bytes.length; i++) {
      const keep = Math.max(0, Math.min(8, this.prefixLength - i * 8));
      bytes[i]! &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    }
    return new IPPrefix(new IPAddress(bytes), this.prefixLength);
  }

  containsIP(ip: IPAddress): boolean {
    if (ip.family !== this.address.family) return false;
    const a = this.address.bytes;
    const b = ip.bytes;
    let bits = this.prefixLength;
    for (let i = 0; bits > 0; i++, bits -= 8) {
      const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((a[i]! & mask) !== (b[i]! & mask)) return false;
    }
    return true;
  }

  containsPrefix(other: IPPrefix): boolean {
    return other.address.family === this.address.family && other.prefixLength >= this.prefixLength && this.containsIP(other.address);
  }

  equals(other: unknown): boolean {
    return other instanceof IPPrefix && other.prefixLength === this.prefixLength && other.address.equals(this.address);
  }

  toString(): string {
    return `${this.address}/${this.prefixLength}`;
  }
}

export class IPParseError extends Error {
  override readonly name = 'IPParseError';
}

/** Parses an IPv4 or IPv6 address as netip.ParseAddr does; `allowZone` is never granted (Kubernetes rejects zones). */
export function parseIPAddress(text: string): IPAddress {
  if (text.length > 64) throw new IPParseError('address too long');
  if (text.includes('%')) throw new IPParseError('zone value is not allowed');
  if (text.includes(':')) return new IPAddress(parseIPv6(text));
  const v4 = parseIPv4(text);
  if (!v4) throw new IPParseError('invalid IP address');
  return new IPAddress(v4);
}

export function parseIPPrefix(text: string): IPPrefix {
  const slash = text.lastIndexOf('/');
  if (slash < 0) throw new IPParseError('no "/" in prefix');
  const address = parseIPAddress(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  // netip accepts only a plain decimal without sign or leading zeros.
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsText)) throw new IPParseError(`bad bits after slash: ${JSON.stringify(bitsText)}`);
  const bits = Number(bitsText);
  if (bits > address.bytes.length * 8) throw new IPParseError(`prefix length ${bits} too large for IPv${address.family}`);
  return new IPPrefix(address, bits);
}

/** True for IPv4-mapped IPv6 addresses (::ffff:a.b.c.d). */
export function isIPv4Mapped(ip: IPAddress): boolean {
  return ip.family === 6 && ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIPv6(text: string): Uint8Array {
  const fail = () => new IPParseError('invalid IPv6 address');
  const doubleColon = text.indexOf('::');
  if (doubleColon !== text.lastIndexOf('::')) throw fail();
  const head = doubleColon >= 0 ? text.slice(0, doubleColon) : text;
  const tail = doubleColon >= 0 ? text.slice(doubleColon + 2) : '';
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const words: number[] = [];
  const parseGroups = (groups: string[], allowV4Last: boolean): number[] => {
    const out: number[] = [];
    groups.forEach((g, i) => {
      if (allowV4Last && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) throw fail();
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        return;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw fail();
      out.push(parseInt(g, 16));
    });
    return out;
  };
  const headWords = parseGroups(headGroups, doubleColon < 0);
  const tailWords = parseGroups(tailGroups, true);
  if (doubleColon >= 0) {
    const missing = 8 - headWords.length - tailWords.length;
    if (missing < 1) throw fail();
    words.push(...headWords, ...new Array<number>(missing).fill(0), ...tailWords);
  } else {
    words.push(...headWords);
  }
  if (words.length !== 8) throw fail();
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}
