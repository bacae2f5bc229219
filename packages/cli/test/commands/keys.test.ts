import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Runtime } from '@echo-ridge/local';
import fc from 'fast-check';
import { keys } from '../../src/commands/keys.js';
import { runCommand } from '../support/run-command.js';
import { exampleRecords, startQuietRuntime } from '../support/runtime.js';

/**
 * The issue's demo on `pnpm start`'s runtime: keys made with `echo-ridge keys` for two tenants take
 * effect without a restart, and neither tenant can see or change the other's data on any route.
 */

let runtime: Runtime;
let keysFile: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-keys-'));
  keysFile = join(dir, 'api-keys.json');
  runtime = await startQuietRuntime(dir);
});
afterAll(() => runtime.stop());

/** Runs `echo-ridge keys …` on the runtime's keys file and returns its exit code, stdout and stderr. */
async function cli(...args: string[]) {
  const printed: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const { code, stderr } = await runCommand(keys, [...args, '--keys-file', keysFile]);
    return { code, stdout: printed.join(''), stderr };
  } finally {
    spy.mockRestore();
  }
}

async function createKey(tenant: string, plan = 'standard'): Promise<{ key_id: string; value: string; tenant: string }> {
  const { code, stdout } = await cli('create', '--tenant', tenant, '--plan', plan, '--json');
  expect(code).toBe(0);
  return JSON.parse(stdout) as { key_id: string; value: string; tenant: string };
}

const company = (id: string) => ({ ...exampleRecords()[0], company_id: id });
const call = (key: string, method: 'GET' | 'POST', path: string, body?: unknown) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
const json = async <T = Record<string, unknown>>(response: Response) => (await response.json()) as T;

describe('echo-ridge keys on the local runtime', () => {
  it("the demo: a company acme scored is a 404 for globex, and globex scoring the same id leaves acme's score unchanged", async () => {
    const [acme, globex] = [await createKey('acme'), await createKey('globex')];
    const scored = await call(acme.value, 'POST', '/score', company('demo-co'));
    expect(scored.status).toBe(200);
    const acmeScore = await json(scored);
    expect((await call(globex.value, 'GET', '/scores/demo-co')).status).toBe(404);
    expect((await call(globex.value, 'POST', '/score?verbose=true', company('demo-co'))).status).toBe(200);
    const { request_id: _, ...acmeLatest } = await json(await call(acme.value, 'GET', '/scores/demo-co'));
    const { request_id: __, ...acmeScored } = acmeScore;
    expect(acmeLatest).toEqual(acmeScored);
    const history = await json<{ scores: unknown[] }>(await call(acme.value, 'GET', '/scores/demo-co?history=true'));
    expect(history.scores).toHaveLength(1);
  });

  it('lists keys by tenant without their values, and refuses a bad tenant or plan with the fix', async () => {
    const key = await createKey('listed');
    const listed = await cli('list', '--tenant', 'listed', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([{ key_id: key.key_id, tenant: 'listed', plan: '10 req/s, bursts of 20' }]);
    expect(listed.stdout).not.toContain(key.value);
    await expect(cli('create', '--tenant', 'Acme#1')).rejects.toThrow('--tenant must be 1 to 63 lowercase letters');
    await expect(cli('create', '--tenant', 'acme', '--plan', 'gold')).rejects.toThrow('--plan must be one of standard, premium (got "gold")');
  });

  it('rotates a key without losing data, and a revoked key gets 403 from the next request on', async () => {
    const old = await createKey('rotating');
    expect((await call(old.value, 'POST', '/score', company('rotated-co'))).status).toBe(200);
    const fresh = await createKey('rotating');
    expect((await cli('revoke', old.key_id)).code).toBe(0);
    const refused = await call(old.value, 'GET', '/scores/rotated-co');
    expect(refused.status).toBe(403);
    expect((await call(fresh.value, 'GET', '/scores/rotated-co')).status).toBe(200);
    await expect(cli('revoke', old.key_id)).rejects.toThrow(`holds no key named "${old.key_id}"`);
  });

  it("never lets one tenant read or change another's data, on any route, whatever the ids (property)", async () => {
    // Premium keys: the property sends more requests than the standard plan's burst.
    const [owner, intruder] = [await createKey('owner', 'premium'), await createKey('intruder', 'premium')];
    const batch = await json<{ batch_id: string }>(await call(owner.value, 'POST', '/score/batch', { companies: [company('owned-batch-co')] }));
    const ownerStats = await json<{ companies_scored: number }>(await call(owner.value, 'GET', '/stats'));
    const id = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._#-]{1,24}$/), fc.constantFrom('TENANT#owner#COMPANY#x', 'a#b', '#'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('score', 'batch'), async (generated, write) => {
        // Each run on its own company, as the intruder's writes of earlier runs are (rightly) visible to the intruder.
        const companyId = `${(run += 1)}-${generated}`;
        // The owner's company exists; the intruder may write the same id on either write route.
        expect((await call(owner.value, 'POST', '/score', company(companyId))).status).toBe(200);
        const before = await json(await call(owner.value, 'GET', `/scores/${encodeURIComponent(companyId)}?history=true`));
        const path = `/scores/${encodeURIComponent(companyId)}`;
        expect((await call(intruder.value, 'GET', path)).status).toBe(404);
        expect((await call(intruder.value, 'GET', `${path}?history=true`)).status).toBe(404);
        expect((await call(intruder.value, 'GET', `/batches/${batch.batch_id}`)).status).toBe(404);
        const wrote = write === 'score' ? await call(intruder.value, 'POST', '/score', company(companyId)) : await call(intruder.value, 'POST', '/score/batch', { companies: [company(companyId)] });
        expect(wrote.status).toBe(200);
        const { request_id: _, ...after } = await json(await call(owner.value, 'GET', `${path}?history=true`));
        const { request_id: __, ...unchanged } = before;
        expect(after).toEqual(unchanged);
      }),
      { numRuns: 15 },
    );
    const statsAfter = await json<{ companies_scored: number }>(await call(owner.value, 'GET', '/stats'));
    expect(statsAfter.companies_scored).toBeGreaterThan(ownerStats.companies_scored);
    expect((await call(owner.value, 'GET', `/batches/${batch.batch_id}`)).status).toBe(200);
  });
});
