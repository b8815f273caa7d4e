// The CLI's side of a multi-file export: a FileTreeWriter (export/fileTree.ts) that writes into a
// folder on disk, creating only new files (never overwriting one), and on abort removes every file
// and folder it created, so a failed export (no room left, a write refused) leaves the disk as it
// was. Node only.
import { mkdir, open, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { FileTreeWriter } from '../export/fileTree';

/** Writes files under `root` (created if missing); `abort` removes what it created. */
export function directoryFileTree(root: string): FileTreeWriter {
  const createdFiles: string[] = [];
  const createdDirs: string[] = [];
  const ensureDir = async (dir: string) => {
    const first = await mkdir(dir, { recursive: true });
    // mkdir returns the first folder it had to create: remember it and those below it, for abort.
    if (first) for (let d = dir; d.length >= first.length; d = path.dirname(d)) createdDirs.push(d);
  };
  return {
    async writeFile(relative, chunks) {
      const file = path.join(root, ...relative.split('/'));
      await ensureDir(path.dirname(file));
      const handle = await open(file, 'wx');
      createdFiles.push(file);
      try {
        for await (const chunk of chunks) await handle.write(chunk);
      } finally {
        await handle.close();
      }
    },
    async close() {},
    async abort() {
      for (const file of createdFiles.splice(0).reverse()) await rm(file, { force: true });
      const dirs = [...new Set(createdDirs.splice(0))].sort((a, b) => b.length - a.length);
      for (const dir of dirs) await rmdir(dir).catch(() => undefined);
    },
  };
}
