// Structured JSON logs for Gatehouse's servers (pino). Fields that can carry credentials are redacted wherever
// they appear, at the top level or one or two levels down (e.g. `req.headers.authorization`), so a careless log
// call cannot leak a bearer token, a cookie or a private key.
//
// Usage:
//   const logger = createLogger({ name: 'proxy', level: 'info' });
//   logger.info({ path }, 'request refused');
// Pass `destination` (a pino destination or any writable stream) to capture logs in tests.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

const SECRET_FIELDS = ['authorization', 'Authorization', 'token', 'accessToken', 'idToken', 'refreshToken', 'cookie', 'Cookie', 'set-cookie', 'password', 'privateKey', 'clientSecret'];

/** Redaction paths for every secret-bearing field name at depth 0, 1 and 2. */
export const REDACTED_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) => {
  const quoted = `["${field}"]`;
  return [quoted, `*${quoted}`, `*.*${quoted}`];
});

export interface LoggerOptions {
  name: string;
  level?: LevelWithSilent;
  destination?: DestinationStream;
}

export function createLogger({ name, level = 'info', destination }: LoggerOptions): Logger {
  const options = {
    name,
    level,
    base: { component: name },
    redact: { paths: [...REDACTED_PATHS], censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
