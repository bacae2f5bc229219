import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ApiKeysFileError, createApiKey, DEV_KEY_LIMITS, loadApiKeys, readApiKeysFile, revokeApiKey } from '../src/api-keys.js';

const tempFile = async (name = 'api-keys.json') => join(await mkdtemp(join(tmpdir(), 'echo-ridge-keys-')), '.local', name);

describe('loadApiKeys', () => {
  it('creates the file with one new dev key on first start, readable only by its owner, and reads it back', async () => {
    const file = await tempFile();
    const first = await loadApiKeys(file);
    expect(first).toEqual({
      created: true,
      migrated: [],
      keys: [{ name: expect.stringMatching(/^dev-[0-9a-f]{6}$/), tenant: 'dev', value: expect.stringMatching(/^er_dev_[0-9a-f]{40}$/), ...DEV_KEY_LIMITS }],
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadApiKeys(file)).toEqual({ created: false, migrated: [], keys: first.keys });
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

  it('moves the keys of a file written before tenants to the dev tenant, says which, and rewrites the file once', async () => {
    const file = await tempFile();
    const old = { name: 'dev', value: 'er_dev_0123456789abcdef0123', ...DEV_KEY_LIMITS };
    const other = { name: 'ci', value: 'er_ci_0123456789abcdef01234', rate_limit: 5, burst_limit: 5 };
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ keys: [old, other] }));
    const loaded = await loadApiKeys(file);
    expect(loaded).toEqual({ created: false, migrated: ['dev', 'ci'], keys: [{ ...old, tenant: 'dev' }, { ...other, tenant: 'dev' }] });
    expect(await loadApiKeys(file)).toEqual({ ...loaded, migrated: [] });
  });

  it("refuses a tenant id that could reach into another tenant's keys, and two keys with one name", async () => {
    const file = await tempFile();
    const key = { name: 'a', tenant: 'acme#x', value: 'er_key_0123456789abcdef0123', ...DEV_KEY_LIMITS };
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ keys: [key] }));
    await expect(loadApiKeys(file)).rejects.toThrow(/keys\.0\.tenant must be 1 to 63 lowercase letters/);
    await writeFile(file, JSON.stringify({ keys: [{ ...key, tenant: 'acme' }, { ...key, tenant: 'globex', value: 'er_key_other_0123456789abc' }] }));
    await expect(loadApiKeys(file)).rejects.toThrow('two keys are named "a"');
  });

  it('creates keys of a tenant on its plan beside the others, and revokes one by name leaving the rest', async () => {
    const file = await tempFile();
    const { keys: [dev] } = await loadApiKeys(file);
    const first = await createApiKey(file, 'acme', 'standard');
    const second = await createApiKey(file, 'acme', 'premium');
    expect(first).toEqual({ name: expect.stringMatching(/^acme-[0-9a-f]{6}$/), tenant: 'acme', value: expect.stringMatching(/^er_key_[0-9a-f]{40}$/), rate_limit: 10, burst_limit: 20 });
    expect(second).toMatchObject({ tenant: 'acme', rate_limit: 100, burst_limit: 200 });
    expect(await readApiKeysFile(file)).toEqual([dev, first, second]);
    expect(await revokeApiKey(file, first.name)).toEqual(first);
    expect(await readApiKeysFile(file)).toEqual([dev, second]);
    await expect(revokeApiKey(file, first.name)).rejects.toThrow(`holds no key named "${first.name}"`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('gives the dev tenant a new key at start when all of its keys were revoked', async () => {
    const file = await tempFile();
    const { keys: [dev] } = await loadApiKeys(file);
    const acme = await createApiKey(file, 'acme', 'standard');
    await revokeApiKey(file, dev!.name);
    const loaded = await loadApiKeys(file);
    expect(loaded.created).toBe(true);
    expect(loaded.keys).toEqual([expect.objectContaining({ tenant: 'dev' }), acme]);
    expect(loaded.keys[0]!.value).not.toBe(dev!.value);
  });
});
