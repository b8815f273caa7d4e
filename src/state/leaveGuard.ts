// Never lose work silently: while something in this tab would be lost by closing or reloading it, the
// browser asks first (beforeunload). Today that is a training run going on here (its last epoch is
// checkpointed, the one in progress is not); other work registers itself with holdUnsavedWork — the
// hook for unsaved label corrections — and releases it once saved. Nothing here saves anything.
import { useTrainingStore } from './trainingStore';

const holds = new Map<number, string>();
let nextHold = 1;

/** Marks work that a reload would lose (e.g. unsaved corrections); call the returned function once it is saved. */
export function holdUnsavedWork(reason: string): () => void {
  const id = nextHold++;
  holds.set(id, reason);
  return () => void holds.delete(id);
}

/** What would be lost if the tab closed now (empty: nothing). */
export function unsavedWork(): string[] {
  const live = useTrainingStore.getState().live;
  const training = live && (live.status === 'running' || live.status === 'starting' || live.status === 'paused') ? [`${live.name} is training in this tab`] : [];
  return [...training, ...holds.values()];
}

/** Installs the beforeunload warning; returns its removal. */
export function installLeaveGuard(target: Window = window): () => void {
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    const reasons = unsavedWork();
    if (reasons.length === 0) return;
    e.preventDefault();
    // Browsers show their own text; older ones show this.
    e.returnValue = `${reasons.join('; ')}. Leave anyway?`;
  };
  target.addEventListener('beforeunload', onBeforeUnload);
  return () => target.removeEventListener('beforeunload', onBeforeUnload);
}
