// Ground truth, prediction and their difference as three Cornerstone labelmap segmentations on
// one stack viewport: each its own colour table (truth green, prediction orange; difference TP
// yellow, FP red, FN blue), visibility, fill opacity and outline. Labelmap slices are derived
// images of the CT slices, filled from the 0/1 volumes. Never reads or changes the CT itself.
import { imageLoader, cache, type Types } from '@cornerstonejs/core';
import { segmentation, Enums } from '@cornerstonejs/tools';
import type { OverlayKind, OverlayStyle } from './types';

const LABELMAP = Enums.SegmentationRepresentations.Labelmap;

/** RGBA per label value (index 0 is the background and stays transparent). */
export const OVERLAY_COLOURS: Readonly<Record<OverlayKind, Types.Color[]>> = {
  truth: [[0, 0, 0, 0], [0, 220, 90, 255]],
  prediction: [[0, 0, 0, 0], [255, 120, 0, 255]],
  difference: [[0, 0, 0, 0], [255, 230, 0, 255], [230, 30, 30, 255], [40, 110, 255, 255]],
};

/** The segments of each labelmap (Cornerstone only shows declared segments). */
export const SEGMENTS: Readonly<Record<OverlayKind, Record<number, { label: string }>>> = {
  truth: { 1: { label: 'liver (ground truth)' } },
  prediction: { 1: { label: 'liver (prediction)' } },
  difference: { 1: { label: 'true positive' }, 2: { label: 'false positive' }, 3: { label: 'false negative' } },
};

export const DEFAULT_OVERLAY_STYLE: Readonly<OverlayStyle> = Object.freeze({ visible: false, opacity: 0.5, outline: false });

interface Layer {
  segmentationId: string;
  labelmapIds: string[];
  style: OverlayStyle;
}

/** Drops one derived slice from Cornerstone's cache, if it is still there (Cornerstone throws otherwise). */
export function uncache(imageId: string): void {
  if (cache.getImageLoadObject(imageId) || cache.getImage(imageId)) cache.removeImageLoadObject(imageId, { force: true });
}

/** Colours, fill, outline and visibility of one overlay in one viewport (stack or volume alike). */
export function applyOverlayStyle(viewportId: string, segmentationId: string, style: OverlayStyle): void {
  const { visible, opacity, outline } = style;
  const specifier = { viewportId, segmentationId, type: LABELMAP };
  const outlineOpacity = outline ? Math.max(opacity, 0.6) : Math.min(1, opacity + 0.3);
  // Active and inactive alike: none of our overlays is ever "being edited".
  segmentation.config.style.setStyle(specifier, {
    renderFill: !outline,
    renderFillInactive: !outline,
    fillAlpha: opacity,
    fillAlphaInactive: opacity,
    renderOutline: true,
    renderOutlineInactive: true,
    outlineWidth: 2,
    outlineWidthInactive: 2,
    outlineOpacity,
    outlineOpacityInactive: outlineOpacity,
  });
  segmentation.config.visibility.setSegmentationRepresentationVisibility(viewportId, { segmentationId, type: LABELMAP }, visible);
}

export interface OverlaySet {
  /** Creates the overlay on first use, else overwrites its labels (same shape as the stack). */
  setLabels(kind: OverlayKind, labels: Uint8Array): void;
  has(kind: OverlayKind): boolean;
  setStyle(kind: OverlayKind, style: Partial<OverlayStyle>): void;
  destroy(): void;
}

export function createOverlays(viewportId: string, imageIds: string[], sliceSize: number): OverlaySet {
  const layers = new Map<OverlayKind, Layer>();
  const styles = new Map<OverlayKind, OverlayStyle>();

  const styleOf = (kind: OverlayKind): OverlayStyle => styles.get(kind) ?? { ...DEFAULT_OVERLAY_STYLE };

  const applyStyle = (layer: Layer): void => applyOverlayStyle(viewportId, layer.segmentationId, layer.style);

  const fill = (layer: Layer, labels: Uint8Array): void => {
    layer.labelmapIds.forEach((id, s) => {
      const image = cache.getImage(id);
      if (!image?.voxelManager) throw new Error(`overlay slice ${id} is not in the cache`);
      const scalars = image.voxelManager.getScalarData() as Uint8Array;
      scalars.set(labels.subarray(s * sliceSize, (s + 1) * sliceSize));
    });
  };

  const create = (kind: OverlayKind, labels: Uint8Array): Layer => {
    const segmentationId = `${viewportId}-${kind}`;
    // What createAndCacheDerivedLabelmapImages does (uint8, one buffer per slice), with readable ids.
    const images = imageLoader.createAndCacheDerivedImages(imageIds, {
      getDerivedImageId: (referencedImageId: string) => referencedImageId.replace(/^liverlab:/, `liverlab-${kind}:`),
      targetBuffer: { type: 'Uint8Array' },
    });
    const layer: Layer = { segmentationId, labelmapIds: images.map((i) => i.imageId), style: styleOf(kind) };
    fill(layer, labels);
    segmentation.addSegmentations([
      {
        segmentationId,
        representation: { type: LABELMAP, data: { imageIds: layer.labelmapIds } },
        config: { label: kind, segments: SEGMENTS[kind] },
      },
    ]);
    segmentation.addLabelmapRepresentationToViewport(viewportId, [
      { segmentationId, config: { colorLUTOrIndex: OVERLAY_COLOURS[kind].map((c) => [...c] as Types.Color) } },
    ]);
    // Only possible once the viewport has a representation.
    segmentation.config.style.setRenderInactiveSegmentations(viewportId, true);
    applyStyle(layer);
    return layer;
  };

  return {
    setLabels(kind, labels) {
      if (labels.length !== imageIds.length * sliceSize) {
        throw new RangeError(`${kind}: ${labels.length} labels for ${imageIds.length} slices of ${sliceSize} pixels`);
      }
      const layer = layers.get(kind);
      if (!layer) {
        layers.set(kind, create(kind, labels));
        return;
      }
      fill(layer, labels);
      segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(layer.segmentationId);
    },
    has(kind) {
      return layers.has(kind);
    },
    setStyle(kind, patch) {
      const style = { ...styleOf(kind), ...patch };
      styles.set(kind, style);
      const layer = layers.get(kind);
      if (!layer) return;
      layer.style = style;
      applyStyle(layer);
    },
    destroy() {
      for (const layer of layers.values()) {
        segmentation.removeSegmentationRepresentations(viewportId, { segmentationId: layer.segmentationId });
        segmentation.removeSegmentation(layer.segmentationId);
        for (const id of layer.labelmapIds) uncache(id);
      }
      layers.clear();
    },
  };
}
