// Which slice a stack viewport should show, and asking Cornerstone for it one request at a time.
// Every slice change (keys, wheel, linked viewports, the API) sets the one `target`; the viewport is
// asked for it only when the previous request is on the canvas, so fast key repeats skip slices
// instead of queueing them, and a press always counts from the slice asked for last (Home then ↓
// is slice 2 however slow the renderer is). Cornerstone's labelmap sync re-sets the view reference
// on a new image and, when the direction turns, scrolls back to the slice before it (new 11, then
// new 12, then one render of 12); a request counts as done once its image arrived, and after each
// render the viewport is compared with the target and asked again, so a scroll-back never sticks. Free of Cornerstone
// so the ordering is unit-tested; stackViewer.ts wires it to the viewport's events.

export interface SliceDisplay {
  /** The slice index the viewport shows (or is loading) now. */
  current(): number;
  /** Asks the viewport for a slice; resolves or rejects when the request is taken or fails. */
  show(index: number): Promise<unknown>;
}

export interface SliceRequests {
  /** The slice asked for last: shown, or on its way. */
  readonly target: number;
  /** Asks for a slice (clamped to the stack). */
  request(index: number): void;
  /** Call when the viewport reports a new image (Cornerstone's STACK_NEW_IMAGE). */
  newImage(index: number): void;
  /** Call on every render of the viewport: frees the next request and corrects a scroll-back. */
  rendered(): void;
  /** Stops the watchdog. */
  dispose(): void;
}

/** A request not rendered within this is given up and issued again (e.g. an image load that died). */
export const STUCK_MS = 1000;

export function createSliceRequests(display: SliceDisplay, slices: number, start: number, now: () => number = () => performance.now()): SliceRequests {
  const clamp = (index: number) => Math.max(0, Math.min(slices - 1, Math.round(index)));
  let target = clamp(start);
  let inFlight: number | null = null;
  let arrived = false;
  let issuedAt = 0;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const issue = () => {
    if (disposed) return;
    if (inFlight !== null && now() - issuedAt <= STUCK_MS) return;
    if (display.current() === target && inFlight === null) return;
    const index = target;
    inFlight = index;
    arrived = false;
    issuedAt = now();
    if (watchdog === null) {
      watchdog = setTimeout(() => {
        watchdog = null;
        issue();
      }, STUCK_MS + 50);
    }
    display.show(index).catch(() => {
      if (inFlight === index) inFlight = null;
    });
  };

  return {
    get target() {
      return target;
    },
    request(index) {
      target = clamp(index);
      issue();
    },
    newImage(index) {
      if (index === inFlight) arrived = true;
    },
    rendered() {
      // The image asked for came (even if the sync scrolled back before this render): free the next.
      if (inFlight !== null && (arrived || display.current() === inFlight)) inFlight = null;
      if (inFlight === null && watchdog !== null) {
        clearTimeout(watchdog);
        watchdog = null;
      }
      issue();
    },
    dispose() {
      disposed = true;
      if (watchdog !== null) clearTimeout(watchdog);
      watchdog = null;
    },
  };
}
