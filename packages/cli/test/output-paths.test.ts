/**
 * No command may overwrite its input: an output path naming an input file, by the same path, another
 * spelling, a symbolic link or a hard link, ends the run with exit 2 before anything is opened.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { main } from '../src/main.js';
import { refuseOutputsOverInputs } from '../src/output-paths.js';

const root = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-overwrite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONTENT = '{"company_id": "must survive"}\n';
let folders = 0;

/** A new folder holding the named files, each with CONTENT, and a subfolder to spell paths through. */
function folder(...names: string[]): (name: string) => string {
  const dir = join(root, `case-${(folders += 1)}`);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  for (const name of names) writeFileSync(join(dir, name), CONTENT);
  return (name) => join(dir, name);
}

/** The ways to name an existing file other than its own path, each made next to it. */
const SPELLINGS: Record<string, (file: string) => string> = {
  'the same path': (file) => file,
  'another spelling of the path': (file) => join(dirname(file), 'sub', '..', '.', basename(file)),
  'a symbolic link': (file) => {
    const link = `${file}.symlink`;
    symlinkSync(file, link);
    return link;
  },
  'a hard link': (file) => {
    const link = `${file}.hardlink`;
    linkSync(file, link);
    return link;
  },
};

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(argv), stderr: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** Each case: the files it needs, the input that an output names, and the arguments given that output. */
interface Case {
  files: string[];
  target: string;
  option: string;
  args(path: (name: string) => string, output: string): string[];
}

const CASES: Record<string, Case[]> = {
  score: [
    { files: ['in.jsonl'], target: 'in.jsonl', option: '-o', args: (p, out) => ['score', p('in.jsonl'), '-o', out] },
    { files: ['in.jsonl'], target: 'in.jsonl', option: '--errors', args: (p, out) => ['score', p('in.jsonl'), '-o', p('out.jsonl'), '--errors', out] },
    { files: ['in.jsonl', 'w.yaml'], target: 'w.yaml', option: '-o', args: (p, out) => ['score', p('in.jsonl'), '--weights', p('w.yaml'), '-o', out] },
    { files: ['in.jsonl', 'ctx.json'], target: 'ctx.json', option: '--errors', args: (p, out) => ['score', p('in.jsonl'), '--context', p('ctx.json'), '--errors', out] },
    { files: ['in.jsonl'], target: 'in.jsonl', option: '-o', args: (p, out) => ['score', p('in.jsonl'), '--remote', 'http://127.0.0.1:9', '--api-key', 'k', '-o', out] },
  ],
  validate: [{ files: ['in.jsonl'], target: 'in.jsonl', option: '--errors', args: (p, out) => ['validate', p('in.jsonl'), '--errors', out] }],
  'fit-context': [{ files: ['in.jsonl'], target: 'in.jsonl', option: '-o', args: (p, out) => ['fit-context', p('in.jsonl'), '-o', out] }],
  adapt: [
    { files: ['in.jsonl'], target: 'in.jsonl', option: '-o', args: (p, out) => ['adapt', p('in.jsonl'), '-o', out] },
    { files: ['in.jsonl'], target: 'in.jsonl', option: '--warnings', args: (p, out) => ['adapt', p('in.jsonl'), '-o', p('out.jsonl'), '--warnings', out] },
    { files: ['in.jsonl'], target: 'in.jsonl', option: '--errors', args: (p, out) => ['adapt', p('in.jsonl'), '--errors', out] },
  ],
  hybrid: [
    { files: ['in.jsonl'], target: 'in.jsonl', option: '-o', args: (p, out) => ['hybrid', p('in.jsonl'), '-o', out] },
    { files: ['in.jsonl'], target: 'in.jsonl', option: '--errors', args: (p, out) => ['hybrid', p('in.jsonl'), '--errors', out] },
  ],
  blend: [
    { files: ['in.jsonl'], target: 'in.jsonl', option: '-o', args: (p, out) => ['blend', p('in.jsonl'), '-o', out] },
    { files: ['in.jsonl'], target: 'in.jsonl', option: '--errors', args: (p, out) => ['blend', p('in.jsonl'), '-o', p('out.jsonl'), '--errors', out] },
  ],
  drift: [
    { files: ['a.jsonl', 'b.jsonl'], target: 'a.jsonl', option: '--json', args: (p, out) => ['drift', '--baseline', p('a.jsonl'), '--current', p('b.jsonl'), '--json', out] },
    { files: ['a.jsonl', 'b.jsonl'], target: 'b.jsonl', option: '--json', args: (p, out) => ['drift', '--baseline', p('a.jsonl'), '--current', p('b.jsonl'), '--json', out] },
    { files: ['a.jsonl', 'b.jsonl'], target: 'a.jsonl', option: '--html', args: (p, out) => ['drift', '--baseline', p('a.jsonl'), '--current', p('b.jsonl'), '--html', out] },
  ],
  calibrate: [
    { files: ['labeled.jsonl'], target: 'labeled.jsonl', option: '--output', args: (p, out) => ['calibrate', '--input', p('labeled.jsonl'), '--output', out] },
    { files: ['labeled.jsonl'], target: 'labeled.jsonl', option: '--html', args: (p, out) => ['calibrate', '--input', p('labeled.jsonl'), '--output', p('report.json'), '--html', out] },
    {
      files: ['labeled.jsonl', 'w.yaml'],
      target: 'w.yaml',
      option: '--proposal',
      args: (p, out) => ['calibrate', '--input', p('labeled.jsonl'), '--weights', p('w.yaml'), '--optimize', '--output', p('report.json'), '--proposal', out],
    },
  ],
};

describe.each(Object.entries(CASES))('echo-ridge %s', (command, cases) => {
  describe.each(cases.map((c) => [`${c.option} naming the ${c.target} given`, c] as const))('%s', (_name, c) => {
    it.each(Object.keys(SPELLINGS))('by %s: exit 2 with one line naming both, the input untouched', async (spelling) => {
      const path = folder(...c.files);
      const output = SPELLINGS[spelling]!(path(c.target));
      const { code, stderr } = await run(c.args(path, output));
      expect(code).toBe(2);
      expect(stderr.startsWith(`echo-ridge ${command}: ${c.option} ${output} would overwrite the `)).toBe(true);
      expect(stderr).toContain(path(c.target));
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      for (const file of c.files) expect(readFileSync(path(file), 'utf8')).toBe(CONTENT);
    });
  });
});

describe('the errors file beside -o', () => {
  it('is refused when it is the input: score in.errors.jsonl -o in.jsonl would truncate it', async () => {
    const path = folder('out.errors.jsonl');
    const { code, stderr } = await run(['score', path('out.errors.jsonl'), '-o', path('out.jsonl')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`errors file beside -o ${path('out.errors.jsonl')} would overwrite the input`);
    expect(readFileSync(path('out.errors.jsonl'), 'utf8')).toBe(CONTENT);
  });
});

describe('refuseOutputsOverInputs', () => {
  it('matches two spellings of a file that does not exist yet, through a linked folder', () => {
    const path = folder();
    symlinkSync(path('sub'), path('linked'));
    expect(() => refuseOutputsOverInputs([{ option: 'input', path: path('sub/new.jsonl') }], [{ option: '-o', path: path('linked/new.jsonl') }])).toThrow('would overwrite the input');
  });

  it('lets distinct files through, and ignores options not given', () => {
    const path = folder('in.jsonl', 'out.jsonl');
    expect(() =>
      refuseOutputsOverInputs(
        [
          { option: 'input', path: path('in.jsonl') },
          { option: '--context', path: undefined },
        ],
        [
          { option: '-o', path: path('out.jsonl') },
          { option: '--errors', path: null },
        ],
      ),
    ).not.toThrow();
  });
});
