// cli train's progress as a terminal and a log receive it: one line rewritten in place, or plain lines.
import { describe, expect, it } from 'vitest';
import { progressLine } from './progressLine';

function capture(tty: boolean, options: { columns?: number } = {}) {
  let written = '';
  let clock = 0;
  const progress = progressLine({ out: () => {}, err: (text) => void (written += text) }, { tty, ...options, now: () => clock });
  return { progress, advance: (ms: number) => void (clock += ms), written: () => written };
}

describe('progressLine', () => {
  it('in a terminal, rewrites one line with \\r, keeps lasting lines, and clears the line at the end', () => {
    const t = capture(true, { columns: 20 });
    t.progress.update('step 1/60: loss 0.9000');
    t.advance(150);
    t.progress.update('step 2/60: loss 0.8000');
    t.advance(10);
    t.progress.update('step 3/60: too soon, not drawn');
    t.progress.line('epoch 1/20: val Dice 0.5');
    t.progress.update('step 1/60 of epoch 2');
    t.progress.end();
    expect(t.written()).toBe(
      '\rstep 1/60: loss 0.9\x1b[K' + '\rstep 2/60: loss 0.8\x1b[K' + '\r\x1b[Kepoch 1/20: val Dice 0.5\n' + '\rstep 1/60 of epoch \x1b[K' + '\r\x1b[K',
    );
    // What the person sees at the end: the lasting line only (each \r returns to the line's start).
    const screen = t.written().split('\n').map((line) => line.split('\r').at(-1)!.replaceAll('\x1b[K', ''));
    expect(screen).toEqual(['epoch 1/20: val Dice 0.5', '']);
  });

  it('in a log, writes plain lines: progress at most every 10 s, lasting lines always, never \\r', () => {
    const t = capture(false);
    t.progress.update('step 1/60');
    t.advance(5_000);
    t.progress.update('step 30/60');
    t.advance(5_000);
    t.progress.update('step 60/60');
    t.progress.line('epoch 1/20: val Dice 0.5');
    t.advance(1_000);
    t.progress.update('step 1/60 of epoch 2');
    t.progress.end();
    expect(t.written()).toBe('step 1/60\nstep 60/60\nepoch 1/20: val Dice 0.5\n');
  });
});
