// Kubernetes' ip and cidr libraries: ip(), isIP(), ip.isCanonical(), family(), isUnspecified(), isLoopback(),
// isLinkLocalMulticast(), isLinkLocalUnicast(), isGlobalUnicast(), cidr(), isCIDR(), containsIP(),
// containsCIDR(), ip(), masked(), prefixLength(), string(); `==` compares addresses and prefixes.
import { celError } from '../fail.js';
import type { CelLibrary } from '../library.js';
import { IPAddress, IPParseError, IPPrefix, isIPv4Mapped, parseIPAddress, parseIPPrefix } from './ip-address.js';

function ip(text: string): IPAddress {
  let addr: IPAddress;
  try {
    addr = parseIPAddress(text);
  } catch (error) {
    throw celError(`IP Address ${JSON.stringify(text)} parse error during conversion from string: ${reason(error)}`);
  }
  if (isIPv4Mapped(addr)) throw celError(`IPv4-mapped IPv6 address ${JSON.stringify(text)} is not allowed`);
  return addr;
}

function cidr(text: string): IPPrefix {
  let prefix: IPPrefix;
  try {
    prefix = parseIPPrefix(text);
  } catch (error) {
    throw celError(`network address ${JSON.stringify(text)} parse error during conversion from string: ${reason(error)}`);
  }
  if (isIPv4Mapped(prefix.address)) throw celError(`IPv4-mapped IPv6 address ${JSON.stringify(text)} is not allowed`);
  return prefix;
}

function reason(error: unknown): string {
  return error instanceof IPParseError ? error.message : String(error);
}

const succeeds = (parse: (s: string) => unknown) => (s: string) => {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
};

function isCanonical(text: string): boolean {
  return ip(text).toString() === text;
}

/** The `ip` namespace (for `ip.isCanonical`), distinct from the `ip()` function. */
export class IPNamespace {}

const IP = 'net.IP';
const CIDR = 'net.CIDR';

export const ipLibrary: CelLibrary = {
  name: 'kubernetes.net',
  types: [
    { name: IP, ctor: IPAddress },
    { name: CIDR, ctor: IPPrefix },
    { name: 'IPNamespace', ctor: IPNamespace },
  ],
  constants: [{ name: 'ip', type: 'IPNamespace', value: new IPNamespace() }],
  operators: [
    { signature: `${IP} == ${IP}`, handler: (a: IPAddress, b: IPAddress) => a.equals(b) },
    { signature: `${CIDR} == ${CIDR}`, handler: (a: IPPrefix, b: IPPrefix) => a.equals(b) },
  ],
  functions: [
    { signature: `ip(string): ${IP}`, handler: ip },
    { signature: 'isIP(string): bool', handler: succeeds(ip) },
    { signature: 'IPNamespace.isCanonical(string): bool', handler: (_ns: IPNamespace, s: string) => isCanonical(s) },
    { signature: `string(${IP}): string`, handler: (a: IPAddress) => a.toString() },
    { signature: `${IP}.family(): int`, handler: (a: IPAddress) => BigInt(a.family) },
    { signature: `${IP}.isUnspecified(): bool`, handler: (a: IPAddress) => a.isUnspecified() },
    { signature: `${IP}.isLoopback(): bool`, handler: (a: IPAddress) => a.isLoopback() },
    { signature: `${IP}.isLinkLocalMulticast(): bool`, handler: (a: IPAddress) => a.isLinkLocalMulticast() },
    { signature: `${IP}.isLinkLocalUnicast(): bool`, handler: (a: IPAddress) => a.isLinkLocalUnicast() },
    { signature: `${IP}.isGlobalUnicast(): bool`, handler: (a: IPAddress) => a.isGlobalUnicast() },
    { signature: `cidr(string): ${CIDR}`, handler: cidr },
    { signature: 'isCIDR(string): bool', handler: succeeds(cidr) },
    { signature: `string(${CIDR}): string`, handler: (c: IPPrefix) => c.toString() },
    { signature: `${CIDR}.containsIP(${IP}): bool`, handler: (c: IPPrefix, a: IPAddress) => c.containsIP(a) },
    { signature: `${CIDR}.containsIP(string): bool`, handler: (c: IPPrefix, a: string) => c.containsIP(ip(a)) },
    { signature: `${CIDR}.containsCIDR(${CIDR}): bool`, handler: (c: IPPrefix, o: IPPrefix) => c.containsPrefix(o) },
    { signature: `${CIDR}.containsCIDR(string): bool`, handler: (c: IPPrefix, o: string) => c.containsPrefix(cidr(o)) },
    { signature: `${CIDR}.ip(): ${IP}`, handler: (c: IPPrefix) => c.address },
    { signature: `${CIDR}.masked(): ${CIDR}`, handler: (c: IPPrefix) => c.masked() },
    { signature: `${CIDR}.prefixLength(): int`, handler: (c: IPPrefix) => BigInt(c.prefixLength) },
  ],
};
