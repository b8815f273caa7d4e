// Links two viewers of the same patient (side-by-side model comparison): the same slice, the same
// window and the same camera (zoom, pan) in both, whichever one the user drives. Slice and window go
// through the facade's handles (guarded against echo loops); the camera through Cornerstone's
// camera-position synchronizer. Returns the unlink function; destroying a viewer unlinks nothing.
import { synchronizers, SynchronizerManager } from '@cornerstonejs/tools';
import type { ViewerHandle } from './types';

let nextLink = 1;

export function linkViewers(a: ViewerHandle, b: ViewerHandle): () => void {
  const id = `liverlab-link-${nextLink++}`;
  const camera = synchronizers.createCameraPositionSynchronizer(id);
  camera.add(a.viewportRef);
  camera.add(b.viewportRef);
  const follow = (from: ViewerHandle, to: ViewerHandle) => [
    from.onSliceChange((index) => {
      if (to.getSlice() !== index) to.setSlice(index);
    }),
    from.onWindowChange((w) => {
      const current = to.getWindow();
      if (Math.abs(current.width - w.width) > 0.5 || Math.abs(current.center - w.center) > 0.5) to.setWindow(w);
    }),
  ];
  const off = [...follow(a, b), ...follow(b, a)];
  return () => {
    for (const unsubscribe of off) unsubscribe();
    SynchronizerManager.destroySynchronizer(id);
  };
}
