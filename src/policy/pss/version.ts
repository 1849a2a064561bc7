// Policy versions as Pod Security Admission names them: `v1.N` or `latest`. A version newer than any check knows
// evaluates as the newest known one, exactly as PSA clamps it.
export type PssVersion = 'latest' | `v1.${number}`;

const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]{0,5})$/;

/** The minor number of a `v1.N` version, or undefined when the text is not a version. */
export function parseVersionMinor(text: string): number | undefined {
  const match = VERSION_PATTERN.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function isPssVersion(text: string): text is PssVersion {
  return text === 'latest' || parseVersionMinor(text) !== undefined;
}
