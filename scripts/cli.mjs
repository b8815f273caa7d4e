// `npm run cli -- …`: runs the compiled CLI (dist-cli/liverlab.mjs), first rebuilding it
// (scripts/build-cli.mjs, ~0.2 s) when it is missing or any source it was built from changed since —
// so an edit or a `git pull` without `npm install` never runs stale code. The check is one stat per
// source (~150), a few milliseconds. Plain .mjs: no transpiler at start-up.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(REPO, 'dist-cli', 'liverlab.mjs');

function isStale() {
  try {
    const { startedAt, inputs } = JSON.parse(readFileSync(path.join(REPO, 'dist-cli', 'inputs.json'), 'utf8'));
    statSync(ENTRY);
    return inputs.some((input) => statSync(path.join(REPO, input)).mtimeMs > startedAt);
  } catch {
    return true; // never built, or a source is gone: build
  }
}

if (isStale()) await (await import('./build-cli.mjs')).buildCli();
await import(pathToFileURL(ENTRY).href);
