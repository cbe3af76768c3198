// Where the CLI keeps transcripts' binary sidecars (a cache: a second analysis of a large transcript reads it instead
// of parsing JSON): INCIDENT_REPLAY_CACHE names a directory, or "off"; else $XDG_CACHE_HOME/incident-replay, else
// ~/.cache/incident-replay. `--cache` on a verb wins over both.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SidecarOptions } from '../core/transcript';

export function sidecarCache(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): SidecarOptions | undefined {
  const chosen = flag ?? env.INCIDENT_REPLAY_CACHE;
  if (chosen === 'off') return undefined;
  const root = chosen || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'incident-replay');
  return { dir: join(root, 'sidecars') };
}
