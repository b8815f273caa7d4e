// Starts Cornerstone3D (core rendering + tools) once per page. Idempotent: every viewer calls it.
// Nothing is fetched: our images come from typed arrays through the `liverlab:` loader, so the
// DICOM image loader, its codecs and its web workers are never initialised.
import { init as initCore } from '@cornerstonejs/core';
import { init as initTools, addTool, PanTool, ZoomTool, WindowLevelTool, StackScrollTool, CrosshairsTool, LengthTool, EllipticalROITool, BrushTool } from '@cornerstonejs/tools';

let started: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  started ??= Promise.resolve().then(() => {
    initCore();
    initTools();
    for (const tool of [PanTool, ZoomTool, WindowLevelTool, StackScrollTool, CrosshairsTool, LengthTool, EllipticalROITool, BrushTool]) addTool(tool);
  });
  return started;
}
