// The wrapper waits until the page side has handled every event sent through a comlink proxy on
// a real MessageChannel (Node's), and is not mistaken for a promise.
import { describe, expect, it } from 'vitest';
import { expose, wrap } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { deliveredEvents } from './deliveredEvents';

interface Events {
  step(n: number): void;
}

function pageSide(): { remote: ReturnType<typeof wrap<Events>>; handled: number[]; close(): void } {
  const { port1, port2 } = new MessageChannel();
  const handled: number[] = [];
  expose({ step: (n: number) => void handled.push(n) }, port1 as unknown as Parameters<typeof expose>[1]);
  return { remote: wrap<Events>(port2 as unknown as Parameters<typeof wrap>[0]), handled, close: () => (port1.close(), port2.close()) };
}

describe('deliveredEvents', () => {
  it('resolves only after the page handled every event sent, in order', async () => {
    const page = pageSide();
    const reporter = deliveredEvents<Events>(page.remote as unknown as Events);
    for (let n = 0; n < 50; n++) reporter.events.step(n);
    // Sent, not yet handled: the calls are messages still on their way.
    expect(page.handled.length).toBeLessThan(50);
    await reporter.delivered();
    expect(page.handled).toEqual(Array.from({ length: 50 }, (_, n) => n));
    page.close();
  });

  it('is not a thenable, so an async function can return it', async () => {
    const page = pageSide();
    const reporter = deliveredEvents<Events>(page.remote as unknown as Events);
    const returned = await (async () => reporter.events)();
    expect(returned).toBe(reporter.events);
    await reporter.delivered();
    page.close();
  });
});
