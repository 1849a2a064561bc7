// A justification kubectl can send. kubectl cannot add request headers, but it keeps the path of its server URL in
// front of every request (REST calls, discovery, watches, exec and port-forward upgrades), so a kubeconfig whose
// server is `https://proxy:8443/justification/JIRA-123` sends `/justification/JIRA-123/api/v1/…`. The proxy takes
// the ticket from that prefix, strips it, and treats it exactly like an `X-Gatehouse-Justification` header: the
// access policies see it as that header and it travels upstream as the impersonated extra
// `gatehouse.dev/justification`. The prefix is never forwarded.
//
// The ticket is checked for shape only (1–128 characters: letters, digits and `. _ ~ : + @ -`, starting with a
// letter or digit; no percent-encoding); whether it names a real ticket is the access policy's business.
//
//   takeJustificationPrefix('/justification/JIRA-123/api/v1/pods?watch=1')
//     → { path: '/api/v1/pods?watch=1', justification: 'JIRA-123' }
//   takeJustificationPrefix('/api/v1/pods') → { path: '/api/v1/pods' }
//   justificationServerUrl('https://proxy:8443', 'JIRA-123') → 'https://proxy:8443/justification/JIRA-123'

export const JUSTIFICATION_PREFIX = '/justification/';
const TICKET = /^[A-Za-z0-9][A-Za-z0-9._~:+@-]{0,127}$/;

export class JustificationPathError extends Error {
  override name = 'JustificationPathError';
}

/** Why `ticket` cannot be a justification in a URL path, or undefined when it can. */
export function ticketProblem(ticket: string): string | undefined {
  if (ticket === '') return 'the justification is empty';
  if (ticket.length > 128) return `the justification is longer than 128 characters`;
  if (!TICKET.test(ticket)) return `the justification ${JSON.stringify(ticket.slice(0, 40))} may only hold letters, digits and . _ ~ : + @ - (starting with a letter or digit)`;
  return undefined;
}

/** Splits a request target into the justification from its prefix (when present) and the target to forward. */
export function takeJustificationPrefix(target: string): { path: string; justification?: string } {
  if (!target.startsWith(JUSTIFICATION_PREFIX)) return { path: target };
  const rest = target.slice(JUSTIFICATION_PREFIX.length);
  const end = rest.search(/[/?]/);
  const ticket = end < 0 ? rest : rest.slice(0, end);
  const problem = ticketProblem(ticket);
  if (problem) throw new JustificationPathError(`${problem} (from the URL path ${JUSTIFICATION_PREFIX}<ticket>/)`);
  const remainder = end < 0 ? '' : rest.slice(end);
  return { path: remainder.startsWith('/') ? remainder : `/${remainder}`, justification: ticket };
}

/** The server URL for a kubeconfig context that sends `ticket` with every request. */
export function justificationServerUrl(server: string, ticket: string): string {
  const problem = ticketProblem(ticket);
  if (problem) throw new JustificationPathError(problem);
  const url = new URL(server);
  if (url.pathname.replace(/\/+$/, '') !== '') throw new JustificationPathError(`${server}: the proxy URL must not have a path`);
  return `${url.origin}${JUSTIFICATION_PREFIX}${ticket}`;
}
