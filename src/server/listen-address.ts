// Parses a `--listen HOST:PORT` value (`0.0.0.0:8443`, `[::1]:8443`, `:8443` = all interfaces).
export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(value: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`"${value}" is not HOST:PORT (e.g. 0.0.0.0:8443 or [::]:8443)`);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}
