import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitContext, parseContext, serializeContext, validateCompany, type Company } from '@echo-ridge/engine';
import { runtimeFacts, writeRuntimeFile, type Runtime } from '@echo-ridge/local';
import { CliError } from '../../src/cli-error.js';
import { contextCommand } from '../../src/commands/context.js';
import { exampleRecords, startQuietRuntime } from '../support/runtime.js';
import { inputFile, runCommand } from '../support/run-command.js';

/**
 * `echo-ridge context` against `pnpm start`'s runtime, found through the runtime file it writes. The
 * --stage path needs a deployed stack and AWS credentials, so it is not run here.
 */

const examples = exampleRecords<Company>();

const { dir } = inputFile([]);
const runtimeFile = join(dir, 'runtime.json');
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startQuietRuntime(dir);
  // The refresh the runtime ran at start, on an empty reservoir, has ended once this one has.
  await runtime.contextRefresh.run();
  await writeRuntimeFile(runtimeFile, runtimeFacts(runtime));
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `echo-ridge context <args> --runtime <file>` and also captures what it prints on stdout. */
async function context(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const printed: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    return { ...(await runCommand(contextCommand, [...args, '--runtime', runtimeFile])), stdout: printed.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('echo-ridge context on the local runtime', () => {
  let refreshed: string;

  it('lists nothing, and refreshes nothing, before companies were scored', async () => {
    expect(await context('list')).toMatchObject({ code: 0, stderr: 'no context was published yet: the service scores with the one bundled with the engine\n' });
    const refresh = await context('refresh');
    expect(refresh.code).toBe(1);
    expect(refresh.stdout).toContain('kept 20261126T000000Z-379ce47eefae: only 0 sampled companies meet confidence threshold 0.7; a context is published from 100');
  });

  it('refreshes from the companies the API scored, then lists and shows the published context', async () => {
    const companies = [0, 1].flatMap((copy) => examples.map((company) => ({ ...company, company_id: `cli-${copy}-${company.company_id}` })));
    const scored = await fetch(`${runtime.url}/score/batch`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.apiKey.value, 'content-type': 'application/json' },
      body: JSON.stringify({ companies }),
    });
    expect(scored.status).toBe(200);

    const refresh = await context('refresh');
    expect(refresh.code).toBe(0);
    const [headline] = refresh.stdout.split('\n');
    expect(headline).toMatch(/^published \d{8}T\d{6}Z-[0-9a-f]{12}$/);
    expect(refresh.stdout).toContain('sample: 240 companies from the reservoir, 166 meeting the confidence threshold');
    refreshed = headline!.slice('published '.length);

    const list = await context('list');
    expect(list.stdout.split('\n')[1]).toMatch(new RegExp(`^\\* ${refreshed} .* 166 .* yes$`));

    const show = await context('show', refreshed);
    expect(show.code).toBe(0);
    expect(parseContext(JSON.parse(show.stdout))).toMatchObject({ version: refreshed, companies_count: 166 });
  });

  it('publishes a context file, refusing one that was edited after its fit', async () => {
    const valid = examples.flatMap((company) => {
      const checked = validateCompany(company);
      return checked.ok ? [checked.value] : [];
    });
    const fitted = fitContext(valid, { now: new Date('2026-11-20T00:00:00.000Z') });
    const file = join(dir, 'ctx.json');
    writeFileSync(file, serializeContext(fitted));
    const published = await context('publish', file);
    expect(published).toMatchObject({ code: 0, stderr: `published ${fitted.version} (checksum ${fitted.checksum}), replacing ${refreshed}; scoring functions switch to it within their poll interval\n` });
    expect((await context('list')).stdout.split('\n').filter((line) => line.startsWith('*'))).toEqual([expect.stringContaining(fitted.version)]);

    const edited = JSON.parse(serializeContext(fitted)) as { stats: { digital_pagespeed: { mean: number } } };
    edited.stats.digital_pagespeed.mean += 1;
    writeFileSync(file, JSON.stringify(edited));
    await expect(context('publish', file)).rejects.toThrow('does not match its content');
  });

  it('says what is wrong with an unknown version, a missing runtime and a bad action', async () => {
    await expect(context('show', '20200101T000000Z-000000000000')).rejects.toThrow(
      new CliError('no context 20200101T000000Z-000000000000 was published: `echo-ridge context list` shows those that were'),
    );
    const nowhere = join(dir, 'nowhere.json');
    await expect(runCommand(contextCommand, ['list', '--runtime', nowhere])).rejects.toThrow(
      new CliError(`no local runtime is running (${nowhere} does not exist): start one with \`pnpm start\`, or pass --stage`),
    );
    await expect(context('remove', 'x')).rejects.toThrow('unknown action "remove"');
    await expect(context('show')).rejects.toThrow('show takes one argument');
  });
});
