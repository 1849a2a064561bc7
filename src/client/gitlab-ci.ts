// GitLab CI job identity: the job declares `id_tokens: { <NAME>: { aud: <audience> } }` and GitLab puts the signed
// JWT in the variable <NAME>. Nothing to request; the token is read from the environment.
import { CredentialError } from './exec-credential.js';

export const DEFAULT_GITLAB_TOKEN_VARIABLE = 'GATEHOUSE_ID_TOKEN';

export function inGitLabCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['GITLAB_CI'] === 'true';
}

export function readGitLabCiToken(variable = DEFAULT_GITLAB_TOKEN_VARIABLE, env: NodeJS.ProcessEnv = process.env): string {
  const token = env[variable]?.trim();
  if (!token) {
    throw new CredentialError(`${variable} is not set; declare it in .gitlab-ci.yml: id_tokens: { ${variable}: { aud: <audience> } }`);
  }
  return token;
}
