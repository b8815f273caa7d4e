// The labelmap segmentation a label is edited in, shown cyan over the CT and the other overlays: on a
// stack viewport, images derived from the CT's (one per slice, `liverlab-label:` ids); in the MPR
// panes, one labelmap volume with the CT's geometry (as Cornerstone's labelmapSegmentationTools
// example does: a volume segmentation added to every pane), so a stroke in any pane shows in all
// three. Either way the label's voxels live in per-slice cached images, which labelEditing.ts reads
// and writes; `release` removes the segmentation and its cached data.
import { imageLoader, type Types } from '@cornerstonejs/core';
import { Enums, segmentation } from '@cornerstonejs/tools';
import { applyOverlayStyle, uncache } from './overlays';
import { cacheVolume, uncacheVolume } from './localVolume';
import type { ViewerVolume } from './types';

const LABELMAP = Enums.SegmentationRepresentations.Labelmap;
const LABEL_COLOUR: Types.Color[] = [[0, 0, 0, 0], [0, 220, 255, 255]];
const LABEL_CONFIG = { label: 'edited label', segments: { 1: { label: 'liver (edited)' } } };

export interface LabelLabelmap {
  segmentationId: string;
  /** The viewports it is shown (and edited) in. */
  viewportIds: string[];
  /** Cached image id of each slice's labelmap, slice order. */
  labelmapIds: string[];
  release(): void;
}

/** Shows the segmentation in `viewportIds` as the label is drawn (cyan, filled, 40 %). */
function show(segmentationId: string, viewportIds: string[]): void {
  const colorLUTOrIndex = LABEL_COLOUR.map((c) => [...c] as Types.Color);
  segmentation.addLabelmapRepresentationToViewportMap(Object.fromEntries(viewportIds.map((id) => [id, [{ segmentationId, config: { colorLUTOrIndex } }]])));
  for (const id of viewportIds) {
    segmentation.config.style.setRenderInactiveSegmentations(id, true);
    applyOverlayStyle(id, segmentationId, { visible: true, opacity: 0.4, outline: false });
  }
}

function remove(segmentationId: string, viewportIds: string[]): void {
  for (const id of viewportIds) segmentation.removeSegmentationRepresentations(id, { segmentationId });
  segmentation.removeSegmentation(segmentationId);
}

/** A stack viewport's label: an image derived from each of the CT's `imageIds`. */
export function stackLabelmap(viewportId: string, imageIds: string[]): LabelLabelmap {
  const segmentationId = `${viewportId}-label`;
  const images = imageLoader.createAndCacheDerivedImages(imageIds, {
    getDerivedImageId: (referencedImageId: string) => referencedImageId.replace(/^liverlab:/, 'liverlab-label:'),
    targetBuffer: { type: 'Uint8Array' },
  });
  const labelmapIds = images.map((i) => i.imageId);
  segmentation.addSegmentations([{ segmentationId, representation: { type: LABELMAP, data: { imageIds: labelmapIds } }, config: LABEL_CONFIG }]);
  show(segmentationId, [viewportId]);
  return {
    segmentationId,
    viewportIds: [viewportId],
    labelmapIds,
    release() {
      remove(segmentationId, [viewportId]);
      for (const id of labelmapIds) uncache(id);
    },
  };
}

/** The MPR panes' label: a labelmap volume of the CT's shape, in the CT's frame of reference. */
export function volumeLabelmap(idPrefix: string, viewportIds: string[], volume: ViewerVolume, frameOfReferenceUID: string): LabelLabelmap {
  const segmentationId = `${idPrefix}-label`;
  cacheVolume(segmentationId, new Uint8Array(volume.width * volume.height * volume.slices), volume, frameOfReferenceUID, { width: 4, center: 2 });
  segmentation.addSegmentations([{ segmentationId, representation: { type: LABELMAP, data: { volumeId: segmentationId } }, config: LABEL_CONFIG }]);
  show(segmentationId, viewportIds);
  return {
    segmentationId,
    viewportIds,
    // localVolume.ts caches slice k of a volume as `${volumeId}_slice_${k}` (Cornerstone's createLocalVolume).
    labelmapIds: Array.from({ length: volume.slices }, (_, k) => `${segmentationId}_slice_${k}`),
    release() {
      remove(segmentationId, viewportIds);
      uncacheVolume(segmentationId, volume.slices);
    },
  };
}
