// Main-thread work over thousands of items cut into short tasks, so the page keeps answering input
// and painting in between (no task much longer than `sliceMs`). Pure: the clock and the way to
// yield are injectable for tests; runs in a page, a worker or Node.

export interface SliceOptions {
  /** Work this long (ms) before yielding to the event loop. */
  sliceMs?: number;
  /** Items between two looks at the clock. */
  checkEvery?: number;
  now?: () => number;
  yieldNow?: () => Promise<void>;
}

/**
 * Yields to the event loop with a macrotask (a resolved promise would not let input or paint in).
 * `scheduler.yield()` where there is one (it keeps the continuation ahead of other queued tasks),
 * else a MessageChannel message (no 4 ms clamp of nested timeouts), else a timeout.
 */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Calls `fn` on every item in order, yielding to the event loop after every `sliceMs` of work. */
export async function forEachSliced<T>(items: readonly T[], fn: (item: T, index: number) => void, opts: SliceOptions = {}): Promise<void> {
  const { sliceMs = 30, checkEvery = 16, now = () => performance.now(), yieldNow = yieldToEventLoop } = opts;
  let start = now();
  for (let i = 0; i < items.length; i++) {
    fn(items[i], i);
    if ((i + 1) % checkEvery === 0 && i + 1 < items.length && now() - start >= sliceMs) {
      await yieldNow();
      start = now();
    }
  }
}

/**
 * Makes each File's first structured clone cheap before it is posted to a worker. In Chromium a File
 * from a folder picker or a file input has no size or modification time yet: the first time it is
 * cloned (or its size is read) the renderer asks the browser process for them, synchronously — a few
 * hundred µs per file, seconds for a dataset's thousands of files if posted in one message. Reading
 * `size` here, in slices, pays that cost in short tasks instead. Returns the total size in bytes.
 */
export async function captureFileSnapshots(files: readonly { file: Blob }[], opts: SliceOptions = {}): Promise<number> {
  let bytes = 0;
  // A size read can block (a synchronous request to the browser): the clock is read after each.
  await forEachSliced(files, (f) => (bytes += f.file.size), { checkEvery: 1, ...opts });
  return bytes;
}

/**
 * Waits, without blocking, until the browser has registered a picked list of files. Right after a
 * folder is picked Chromium is still registering every File of the list with its blob registry
 * (seconds for thousands), and a synchronous request made meanwhile — reading a size, cloning a File —
 * waits, page frozen, behind all of them. An asynchronous read of the last file's first chunk is only
 * answered once that backlog is through.
 */
export async function whenFilesRegistered(files: readonly { file: Blob }[]): Promise<void> {
  if (files.length === 0) return;
  try {
    const reader = files[files.length - 1].file.stream().getReader();
    await reader.read();
    await reader.cancel();
  } catch {
    // Unreadable: the scan reports it; here it only meant not waiting.
  }
}
