// A minimal Node `events` module for the browser bundle. vtk.js's XML readers (pulled in by
// Cornerstone's mesh cache and OrientationMarkerTool, never used by LiverLab) import xmlbuilder2,
// whose builder `extends EventEmitter` at module load; without this the whole Cornerstone chunk fails
// to evaluate ("Class extends value undefined"). Aliased in vite.config.ts; nothing else may import it.
type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private listenersByEvent = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    this.listenersByEvent.set(event, [...(this.listenersByEvent.get(event) ?? []), listener]);
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string | symbol, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  off(event: string | symbol, listener: Listener): this {
    this.listenersByEvent.set(event, (this.listenersByEvent.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }

  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.listenersByEvent.clear();
    else this.listenersByEvent.delete(event);
    return this;
  }

  listeners(event: string | symbol): Listener[] {
    return [...(this.listenersByEvent.get(event) ?? [])];
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.listeners(event);
    for (const listener of list) listener(...args);
    return list.length > 0;
  }
}

export default EventEmitter;
