import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requiredNodeRange, satisfiesNodeRange, wrongNodeMessage } from '../src/node-runtime.js';

const rootPackage = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};

describe('the Node the workspace runs on', () => {
  it('is the pinned binary for every platform, inside engines.node, and the one running these tests', () => {
    const range = requiredNodeRange();
    const pinned = Object.entries(rootPackage.optionalDependencies).filter(([name]) => /^node-(linux|darwin)-/.test(name));
    expect(pinned.length).toBeGreaterThan(0);
    for (const [, version] of pinned) expect(satisfiesNodeRange(version, range)).toBe(true);
    expect(new Set(pinned.map(([, version]) => version)).size).toBe(1);
    expect(process.version).toBe(`v${pinned[0]![1]}`);
  });

  it('accepts 22 from the minimum minor and refuses 20, 23 and an older 22', () => {
    const range = '>=22.12 <23';
    expect(satisfiesNodeRange('v22.12.0', range)).toBe(true);
    expect(satisfiesNodeRange('v22.23.3', range)).toBe(true);
    expect(satisfiesNodeRange('v22.11.9', range)).toBe(false);
    expect(satisfiesNodeRange('v20.20.2', range)).toBe(false);
    expect(satisfiesNodeRange('v23.0.0', range)).toBe(false);
    expect(satisfiesNodeRange('v24.1.0', range)).toBe(false);
  });

  it('names the fix in one line on the wrong Node, and says nothing on the right one', () => {
    const message = wrongNodeMessage('v20.20.2', '>=22.12 <23');
    expect(message).toContain('v20.20.2');
    expect(message).toContain('pnpm');
    expect(message).not.toContain('\n');
    expect(wrongNodeMessage('v22.23.3', '>=22.12 <23')).toBeUndefined();
  });

  it('refuses a range it cannot read rather than guessing', () => {
    expect(() => satisfiesNodeRange('v22.1.0', '^22')).toThrow(/expected ">=A.B <C"/);
  });
});

describe('the node:sqlite warning', () => {
  // In a process of its own, as Node prints warnings there (jest's sandbox has its own process object).
  const stderrOf = (script: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' }).stderr;
  const emitAll = `
    process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
    process.emitWarning('SQLite is an experimental feature and might change at any time', { type: 'ExperimentalWarning' });
    process.emitWarning('VM Modules is an experimental feature', 'ExperimentalWarning');
    process.emitWarning('SQLite is an experimental feature', 'DeprecationWarning');`;

  it('is the only warning muted', () => {
    const stderr = stderrOf(`const { muteSqliteExperimentalWarning } = await import('./src/node-runtime.ts'); muteSqliteExperimentalWarning(); ${emitAll}`);
    expect(stderr).toContain('ExperimentalWarning: VM Modules is an experimental feature');
    expect(stderr).toContain('DeprecationWarning: SQLite is an experimental feature');
    expect(stderr).not.toContain('ExperimentalWarning: SQLite');
  });

  it('comes back with the undo', () => {
    const stderr = stderrOf(`const { muteSqliteExperimentalWarning } = await import('./src/node-runtime.ts'); muteSqliteExperimentalWarning()(); ${emitAll}`);
    expect(stderr).toContain('ExperimentalWarning: SQLite is an experimental feature and might change at any time');
  });
});
