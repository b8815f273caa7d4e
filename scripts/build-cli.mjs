// Compiles the CLI (src/cli/bin.ts and what it imports from src/) to dist-cli/liverlab.mjs with
// esbuild, so `npm run cli` starts Node on plain JavaScript instead of transpiling TypeScript at every
// start (tsx: ~2.5 s before `--help` printed). npm runs it as `prepare` on `npm install` / `npm ci`,
// and scripts/cli.mjs runs it again when a source is newer than the build.
// Packages stay external (Node loads them from node_modules, as tsx did); each command's module is its
// own chunk (main.ts imports them on demand). Files are written under temporary names and renamed,
// chunks before the entry, so a CLI starting while another process rebuilds never reads half a file.
// Plain .mjs, not TypeScript: it must run before anything is compiled.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = path.join(REPO, 'dist-cli');
export const CLI_ENTRY = path.join(CLI_DIR, 'liverlab.mjs');
/** What the build read (repo-relative) and when it started: scripts/cli.mjs rebuilds if one is newer. */
export const CLI_INPUTS = path.join(CLI_DIR, 'inputs.json');

export async function buildCli() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: { liverlab: 'src/cli/bin.ts', 'replica-thread': 'src/cli/replicaThread.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    splitting: true,
    outdir: CLI_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const entryFirst = (f) => (f.path === CLI_ENTRY ? 1 : 0);
  for (const file of [...result.outputFiles].sort((a, b) => entryFirst(a) - entryFirst(b))) {
    await writeAtomically(file.path, file.contents);
  }
  const inputs = [...Object.keys(result.metafile.inputs), path.relative(REPO, fileURLToPath(import.meta.url))];
  await writeAtomically(CLI_INPUTS, JSON.stringify({ startedAt, inputs }, null, 1));
  await pruneOldChunks(new Set(result.outputFiles.map((f) => f.path)));
  return { files: result.outputFiles.length, inputs: inputs.length, ms: Date.now() - startedAt };
}

/** Chunks of earlier builds go once no CLI started from them can still be loading them (an hour). */
async function pruneOldChunks(current) {
  const dir = path.join(CLI_DIR, 'chunks');
  for (const name of await readdir(dir)) {
    const file = path.join(dir, name);
    if (!current.has(file) && Date.now() - (await stat(file)).mtimeMs > 3_600_000) await rm(file, { force: true });
  }
}

async function writeAtomically(file, contents) {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, file);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const built = await buildCli();
  console.log(`dist-cli/liverlab.mjs: ${built.inputs} sources → ${built.files} files in ${built.ms} ms`);
}
