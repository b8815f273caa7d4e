// The built app served by `vite preview` on a free port, for the browser benchmarks: started, waited
// for, and stopped (with its whole process group) in one place.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface PreviewServer {
  url: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** `vite preview` with `args` (e.g. `--outDir …` or `--config …`) from `cwd`, once it answers. */
export async function startPreview(cwd: string, args: string[], timeoutMs = 120_000): Promise<PreviewServer> {
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', ...args, '--port', String(port), '--strictPort'], { cwd, stdio: 'ignore', detached: true });
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid);
    } catch {
      /* already gone */
    }
  };
  const url = `http://localhost:${port}/`;
  for (const until = Date.now() + timeoutMs; ; ) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with ${server.exitCode}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return { url, stop };
    if (Date.now() > until) {
      stop();
      throw new Error(`${url} did not come up in ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
