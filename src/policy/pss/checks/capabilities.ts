// Reading securityContext.capabilities. Names compare exactly as written: PSA does not fold case or strip a CAP_
// prefix, so `net_raw` or `CAP_NET_RAW` is not a default capability and `all` does not drop ALL.
import { asRecord } from '../../../kube/pod-template.js';
import { securityContextOf, text, type Fields } from '../pod.js';

export function capabilitiesOf(container: Fields): Fields | undefined {
  return asRecord(securityContextOf(container)?.capabilities);
}

/** Entries of `add` not in `allowed`, or undefined when there are none. */
export function forbiddenAdds(capabilities: Fields, allowed: ReadonlySet<unknown>): string[] | undefined {
  const add = capabilities.add;
  if (!Array.isArray(add)) return undefined;
  let bad: string[] | undefined;
  for (const capability of add) if (!allowed.has(capability)) (bad ??= []).push(text(capability));
  return bad;
}
