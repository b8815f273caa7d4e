// Ground truth, prediction and difference as labelmap segmentations on image volumes, shown in every
// viewport of an MPR layout (axial, coronal, sagittal): the same colours, styles and segments as the
// stack overlays (overlays.ts), one labelmap volume per overlay with the CT's geometry, so a voxel
// of the mask is coloured in each plane that cuts it. Never reads or changes the CT volume.
import type { Types } from '@cornerstonejs/core';
import { segmentation, Enums } from '@cornerstonejs/tools';
import { applyOverlayStyle, DEFAULT_OVERLAY_STYLE, OVERLAY_COLOURS, SEGMENTS, type OverlaySet } from './overlays';
import { cacheVolume, uncacheVolume } from './localVolume';
import type { OverlayKind, OverlayStyle, ViewerVolume } from './types';

const LABELMAP = Enums.SegmentationRepresentations.Labelmap;

interface Layer {
  segmentationId: string;
  volume: Types.IImageVolume;
  style: OverlayStyle;
}

export function createVolumeOverlays(idPrefix: string, viewportIds: string[], volume: ViewerVolume, frameOfReferenceUID: string): OverlaySet {
  const layers = new Map<OverlayKind, Layer>();
  const styles = new Map<OverlayKind, OverlayStyle>();
  const voxels = volume.width * volume.height * volume.slices;
  const styleOf = (kind: OverlayKind): OverlayStyle => styles.get(kind) ?? { ...DEFAULT_OVERLAY_STYLE };
  const applyStyle = (layer: Layer) => {
    for (const id of viewportIds) applyOverlayStyle(id, layer.segmentationId, layer.style);
  };

  const create = (kind: OverlayKind, labels: Uint8Array): Layer => {
    const segmentationId = `${idPrefix}-${kind}`;
    const labelVolume = cacheVolume(segmentationId, labels.slice(), volume, frameOfReferenceUID, { width: 4, center: 2 });
    segmentation.addSegmentations([
      { segmentationId, representation: { type: LABELMAP, data: { volumeId: segmentationId } }, config: { label: kind, segments: SEGMENTS[kind] } },
    ]);
    const colorLUTOrIndex = OVERLAY_COLOURS[kind].map((c) => [...c] as Types.Color);
    segmentation.addLabelmapRepresentationToViewportMap(Object.fromEntries(viewportIds.map((id) => [id, [{ segmentationId, config: { colorLUTOrIndex } }]])));
    for (const id of viewportIds) segmentation.config.style.setRenderInactiveSegmentations(id, true);
    const layer: Layer = { segmentationId, volume: labelVolume, style: styleOf(kind) };
    applyStyle(layer);
    return layer;
  };

  return {
    setLabels(kind, labels) {
      if (labels.length !== voxels) throw new RangeError(`${kind}: ${labels.length} labels for ${voxels} voxels`);
      const layer = layers.get(kind);
      if (!layer) {
        layers.set(kind, create(kind, labels));
        return;
      }
      const vm = layer.volume.voxelManager;
      if (!vm?.setCompleteScalarDataArray) throw new Error(`${kind}: the labelmap volume cannot be rewritten`);
      vm.setCompleteScalarDataArray(labels);
      segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(layer.segmentationId);
    },
    has: (kind) => layers.has(kind),
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
        for (const id of viewportIds) segmentation.removeSegmentationRepresentations(id, { segmentationId: layer.segmentationId });
        segmentation.removeSegmentation(layer.segmentationId);
        uncacheVolume(layer.segmentationId, volume.slices);
      }
      layers.clear();
    },
  };
}
