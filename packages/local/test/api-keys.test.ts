import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ApiKeysFileError, DEV_KEY_LIMITS, loadApiKeys } from '../src/api-keys.js';

const tempFile = async (name = 'api-keys.json') => join(await mkdtemp(join(tmpdir(), 'echo-ridge-keys-')), '.local', name);

describe('loadApiKeys', () => {
  it('creates the file with one new dev key on first start, readable only by its owner, and reads it back', async () => {
    const file = await tempFile();
    const first = await loadApiKeys(file);
    expect(first).toEqual({ created: true, keys: [{ name: 'dev', value: expect.stringMatching(/^er_dev_[0-9a-f]{40}$/), ...DEV_KEY_LIMITS }] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadApiKeys(file)).toEqual({ created: false, keys: first.keys });
  });

  it('gives every start a different key', async () => {
    const [a, b] = await Promise.all([loadApiKeys(await tempFile()), loadApiKeys(await tempFile())]);
    expect(a.keys[0]!.value).not.toBe(b.keys[0]!.value);
  });

  it('refuses a broken file, naming each field and the fix', async () => {
    const file = await tempFile();
    await loadApiKeys(file);
    const { keys } = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, unknown>[] };
    await writeFile(file, JSON.stringify({ keys: [{ ...keys[0], value: 'short', rate_limit: 0 }] }));
    await expect(loadApiKeys(file)).rejects.toThrow(ApiKeysFileError);
    await expect(loadApiKeys(file)).rejects.toThrow(
      `${file} is invalid: keys.0.value must be at least 20 characters, as API Gateway requires; keys.0.rate_limit must be a number of requests per second > 0. Fix it, or delete it to get a new dev key`,
    );
  });

  it('refuses a file that is not JSON', async () => {
    const file = await tempFile();
    await loadApiKeys(file);
    await writeFile(file, '{ keys: ');
    await expect(loadApiKeys(file)).rejects.toThrow(/is not valid JSON .*delete it to get a new dev key/);
  });
});
