// The mouse bindings of a LiverLab viewport, as in OHIF: left drag sets window/level, middle drag
// pans, right drag zooms. One Cornerstone tool group per viewport; it is destroyed with the viewer.
// The wheel is not a tool here: it goes through the viewer's slice requests (sliceRequests.ts) like
// the keys, whose shortcuts live in keyboard.ts.
import { ToolGroupManager, Enums, PanTool, ZoomTool, WindowLevelTool } from '@cornerstonejs/tools';

const { MouseBindings } = Enums;

export function createToolGroup(toolGroupId: string, viewportId: string, renderingEngineId: string): () => void {
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`tool group ${toolGroupId} exists already`);
  for (const tool of [PanTool, ZoomTool, WindowLevelTool]) group.addTool(tool.toolName);
  group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.addViewport(viewportId, renderingEngineId);
  return () => ToolGroupManager.destroyToolGroup(toolGroupId);
}
