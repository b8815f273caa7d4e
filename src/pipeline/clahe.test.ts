// OpenCV 4.6 CLAHE, byte for byte: every case of shared/reference/clahe must give 0 differing pixels,
// both in the WASM kernel (what the workers and the CLI run) and in the JS fallback.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClaheKernel } from './claheKernel';
import { clahe, claheKernelInstalled, installClaheKernel } from './clahe';

const REFERENCE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/reference');

function referenceDir(sub: string): string {
  const dir = join(REFERENCE, sub);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`reference cases missing: ${dir}/manifest.json not found (the shared/ folder must sit next to the repo clone)`);
  }
  return dir;
}

interface ClaheCase {
  name: string;
  width: number;
  height: number;
  clipLimit: number;
  tilesX: number;
  tilesY: number;
  in: string;
  out: string;
}

describe.each(['WASM kernel', 'JS'])('clahe (%s) matches OpenCV 4.6 createCLAHE().apply exactly', (mode) => {
  beforeAll(async () => {
    if (mode === 'JS') installClaheKernel(null);
    else await loadClaheKernel();
    expect(claheKernelInstalled()).toBe(mode !== 'JS');
  });
  afterAll(loadClaheKernel);
  const dir = referenceDir('clahe');
  const cases = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: ClaheCase[] }).cases;

  it('has all 38 reference cases', () => {
    expect(cases.length).toBe(38);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const input = new Uint8Array(readFileSync(join(dir, c.in)));
    const expected = new Uint8Array(readFileSync(join(dir, c.out)));
    expect(input.length).toBe(c.width * c.height);
    const got = clahe(input, c.width, c.height, { clipLimit: c.clipLimit, tilesX: c.tilesX, tilesY: c.tilesY });
    let differing = 0;
    let first = -1;
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== expected[i]) {
        if (first < 0) first = i;
        differing++;
      }
    }
    const where = first < 0 ? '' : ` (first at x=${first % c.width}, y=${Math.floor(first / c.width)}: got ${got[first]}, OpenCV ${expected[first]})`;
    expect(differing, `${c.name}: ${differing} of ${got.length} pixels differ from OpenCV${where}`).toBe(0);
  });

  it('can work in place and reuses its cached geometry across sizes', () => {
    const c = cases[0];
    const input = new Uint8Array(readFileSync(join(dir, c.in)));
    const expected = new Uint8Array(readFileSync(join(dir, c.out)));
    clahe(new Uint8Array(37), 37, 1); // another size in between
    const buf = input.slice();
    clahe(buf, c.width, c.height, { clipLimit: c.clipLimit, tilesX: c.tilesX, tilesY: c.tilesY }, buf);
    expect(Buffer.from(buf).equals(Buffer.from(expected))).toBe(true);
  });

  it('rejects an inconsistent size or tile grid', () => {
    expect(() => clahe(new Uint8Array(10), 3, 3)).toThrow(RangeError);
    expect(() => clahe(new Uint8Array(9), 3, 3, { tilesX: 0 })).toThrow(RangeError);
  });
});
