// The load bench's dataset on disk: phantom patients written once as real DICOM files in the
// 3D-IRCADb-01 layout and reused (same seed, same bytes), and a folder of exactly the patients dropped.
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generatePhantomPatient } from '../../src/phantom/phantom';
import { log, MiB, size, slicesPerPatient } from './settings';

/** Writes (once) `count` phantom patients as `3Dircadb1.K/{PATIENT_DICOM,MASKS_DICOM/<organ>}/image_N`. */
export function syntheticDataset(count: number): { root: string; files: number; bytes: number } {
  const dir = join(tmpdir(), `liverlab-load-${size}-${slicesPerPatient}`);
  let files = 0;
  let bytes = 0;
  for (let i = 1; i <= count; i++) {
    const name = `3Dircadb1.${i}`;
    const done = join(dir, `.${name}.done`);
    if (existsSync(done)) {
      const [f, b] = readFileSync(done, 'utf8').split(' ').map(Number);
      files += f;
      bytes += b;
      continue;
    }
    const t0 = Date.now();
    const p = generatePhantomPatient({ name, size, slices: slicesPerPatient, seed: 7000 + i });
    let b = 0;
    for (const f of p.files) {
      mkdirSync(join(dir, dirname(f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.bytes);
      b += f.bytes.length;
    }
    writeFileSync(done, `${p.files.length} ${b}`);
    files += p.files.length;
    bytes += b;
    log(`wrote ${name}: ${p.files.length} DICOM files, ${MiB(b)} MiB, liver slices ${p.liverRange?.join('–')} (${Date.now() - t0} ms)`);
  }
  // Only the first `count` patients are dropped: a folder holding exactly them, hard links to the files
  // (a file input does not follow symbolic links to folders).
  const view = join(dir, `view-${count}`); // not hidden: the app skips dot-folders, as it should
  if (!existsSync(`${view}.complete`)) {
    rmSync(view, { recursive: true, force: true });
    const link = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const e of readdirSync(from, { withFileTypes: true })) {
        if (e.isDirectory()) link(join(from, e.name), join(to, e.name));
        else linkSync(join(from, e.name), join(to, e.name));
      }
    };
    for (let i = 1; i <= count; i++) link(join(dir, `3Dircadb1.${i}`), join(view, `3Dircadb1.${i}`));
    writeFileSync(`${view}.complete`, '');
  }
  return { root: view, files, bytes };
}
