// The kubectl exec credential plugin's answer: a client.authentication.k8s.io/v1 ExecCredential carrying the
// token and its expiry, so kubectl reuses it until then and runs the plugin again afterwards.

export interface ExecCredential {
  apiVersion: 'client.authentication.k8s.io/v1';
  kind: 'ExecCredential';
  status: { token: string; expirationTimestamp: string };
}

export class CredentialError extends Error {
  override name = 'CredentialError';
}

/** The `exp` of a JWT as a Date, read without verification (the server verifies; the client only schedules). */
export function tokenExpiry(token: string): Date {
  const payload = token.split('.')[1];
  let exp: unknown;
  try {
    exp = (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
  } catch {
    throw new CredentialError('the identity provider returned a token that is not a JWT');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new CredentialError('the identity provider returned a token without an expiry (exp)');
  return new Date(exp * 1000);
}

export function execCredential(token: string): ExecCredential {
  // RFC 3339 without fractional seconds, as the API machinery's metav1.Time serialises.
  const expirationTimestamp = tokenExpiry(token).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token, expirationTimestamp } };
}
