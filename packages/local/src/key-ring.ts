import { statSync } from 'node:fs';
import { readApiKeysFile, type ApiKey } from './api-keys.js';

/** Where the gateway looks a presented key up. */
export interface KeyRing {
  find(value: string): Promise<ApiKey | undefined>;
}

/** A fixed set of keys, for tests of the gateway alone. */
export function fixedKeyRing(keys: readonly ApiKey[]): KeyRing {
  const byValue = new Map(keys.map((key) => [key.value, key]));
  return { find: (value) => Promise.resolve(byValue.get(value)) };
}

/**
 * The keys of `file` as they are now: before each lookup the file is stat'ed, and read again when its
 * inode, size or modification time changed, so `keys create` and `keys revoke` take effect at the next
 * request without a restart. (The CLI replaces the file by a rename, which always changes the inode.)
 * A file that cannot be read or is broken keeps the keys last read, and says so once.
 */
export function fileKeyRing(file: string, initial: readonly ApiKey[], log: (message: string) => void): KeyRing {
  let byValue = new Map(initial.map((key) => [key.value, key]));
  let version: string | undefined;
  let failing: string | undefined;
  const refresh = async () => {
    try {
      // Synchronous: a stat of a local file takes microseconds of this thread, a tenth of what the
      // promise version spends on its thread-pool round trip, and it is made at every keyed request.
      const { ino, size, mtimeMs } = statSync(file);
      const seen = `${ino}:${size}:${mtimeMs}`;
      if (seen === version) return;
      const keys = await readApiKeysFile(file);
      byValue = new Map(keys.map((key) => [key.value, key]));
      version = seen;
      failing = undefined;
    } catch (error) {
      const reason = (error as Error).message;
      if (reason !== failing) log(`API keys: keeping the keys last read, ${file} cannot be used: ${reason}`);
      failing = reason;
    }
  };
  return {
    async find(value) {
      await refresh();
      return byValue.get(value);
    },
  };
}
