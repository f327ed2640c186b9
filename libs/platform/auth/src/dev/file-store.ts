import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes through a temporary file and a rename, so a reader never sees half a key or certificate. */
export const writeFileAtomic = async (path: string, data: string | Buffer, mode = 0o644): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, path);
};

export const readIfExists = async (path: string): Promise<Buffer | undefined> => {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

const STALE_LOCK_MS = 60_000;

/**
 * Runs `work` holding a lock directory in `dir`: the four service processes of the e2e
 * harness (or two `npm start`s) may all find no CA at once, and must not each make one.
 * mkdir is atomic on every filesystem Node supports; a lock older than a minute was left by
 * a process that died and is taken over.
 */
export const withDirectoryLock = async <T>(dir: string, work: () => Promise<T>, timeoutMs = 30_000): Promise<T> => {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, '.lock');
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > until) throw new Error(`timed out waiting for the lock ${lock} (remove it if no other process is starting)`);
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
};
