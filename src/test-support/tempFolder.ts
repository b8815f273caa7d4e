// A fresh temp folder for the calling test file (made before its tests, removed after them), so each
// file's drops written to disk share nothing with another file's. Test support only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Registers the folder's set-up and clean-up; `folder()` is its path once the file's tests run. */
export function tempFolderPerFile(prefix: string): { folder: () => string } {
  let temp = '';
  beforeAll(async () => {
    temp = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });
  return { folder: () => temp };
}
