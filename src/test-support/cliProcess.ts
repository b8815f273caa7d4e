// The CLI as `npm run cli -- …` runs it, for tests that spawn it: Node on scripts/cli.mjs, the
// compiled CLI (dist-cli/), rebuilt first when a source is newer, so a test always runs the code
// under test. Test support only: the app never imports it.
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
const LAUNCHER = path.join(REPO, 'scripts', 'cli.mjs');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run cli -- …args` (without npm) in the repo and waits for it. */
export function runCliSync(args: string[], maxBuffer = 1 << 26): CliRun {
  const run = spawnSync(process.execPath, [LAUNCHER, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same without blocking the test's thread (several runs at once). */
export function runCli(args: string[], maxBuffer = 1 << 26): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LAUNCHER, ...args], { cwd: REPO, maxBuffer }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
