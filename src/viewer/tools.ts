// The mouse bindings of a LiverLab viewport, as in OHIF: wheel scrolls the stack, left drag sets
// window/level, middle drag pans, right drag zooms. One Cornerstone tool group per viewport; it is
// destroyed with the viewer. Nothing else here: keyboard shortcuts live in keyboard.ts.
import { ToolGroupManager, Enums, PanTool, ZoomTool, WindowLevelTool, StackScrollTool } from '@cornerstonejs/tools';

const { MouseBindings } = Enums;

export function createToolGroup(toolGroupId: string, viewportId: string, renderingEngineId: string): () => void {
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`tool group ${toolGroupId} exists already`);
  for (const tool of [PanTool, ZoomTool, WindowLevelTool, StackScrollTool]) group.addTool(tool.toolName);
  group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  group.addViewport(viewportId, renderingEngineId);
  return () => ToolGroupManager.destroyToolGroup(toolGroupId);
}
