// Opens a URL in the user's browser when the platform has an opener; the URL is printed first in any case, so
// a headless session (SSH, container) can copy it.
import { spawn } from 'node:child_process';

const OPENERS: Record<string, [string, string[]]> = {
  darwin: ['open', []],
  win32: ['rundll32', ['url.dll,FileProtocolHandler']],
};

export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] = OPENERS[platform] ?? ['xdg-open', []];
  try {
    const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener: the printed URL is the fallback.
  }
}
