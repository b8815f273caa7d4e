// Progress of a long command on stderr, for a person at a terminal and for a log: in a terminal the
// progress is one line rewritten in place (`\r`, cleared to the end, cut to the terminal's width so
// it never wraps); in a log (stderr not a TTY) it is plain lines, at most one every `logEveryMs`, so
// a file or CI log stays readable. Lasting lines (an epoch's result) are printed in full either way.
// Writes only through the CliIo; never reads process.* itself (bin.ts says whether stderr is a terminal).
import type { CliIo } from './command';

export interface ProgressLine {
  /** The current state ("epoch 3/20 step 41/60 …"); replaces the previous one. */
  update(text: string): void;
  /** A line that stays (printed after clearing the progress line in a terminal). */
  line(text: string): void;
  /** Clears the progress line in a terminal; nothing in a log. */
  end(): void;
}

export interface ProgressOptions {
  tty: boolean;
  /** Terminal width: the progress line is cut to it (default 80). */
  columns?: number;
  /** In a terminal: at most one redraw this often (ms). */
  redrawEveryMs?: number;
  /** In a log: at most one progress line this often (ms). */
  logEveryMs?: number;
  now?: () => number;
}

const CLEAR_TO_END = '\x1b[K';

export function progressLine(io: CliIo, options: ProgressOptions): ProgressLine {
  const { tty, columns = 80, redrawEveryMs = 100, logEveryMs = 10_000, now = () => performance.now() } = options;
  let shown = false;
  let last = -Infinity;
  return {
    update(text) {
      const t = now();
      if (tty) {
        if (t - last < redrawEveryMs) return;
        io.err(`\r${text.slice(0, Math.max(1, columns - 1))}${CLEAR_TO_END}`);
        shown = true;
      } else {
        if (t - last < logEveryMs) return;
        io.err(`${text}\n`);
      }
      last = t;
    },
    line(text) {
      io.err(tty && shown ? `\r${CLEAR_TO_END}${text}\n` : `${text}\n`);
      shown = false;
      // A terminal redraws the progress at once; a log waits a full interval after a lasting line.
      last = tty ? -Infinity : now();
    },
    end() {
      if (tty && shown) io.err(`\r${CLEAR_TO_END}`);
      shown = false;
    },
  };
}
