// The mouse bindings of a LiverLab stack viewport, as in OHIF: the left button window/levels, or
// draws the measurement chosen (Cornerstone's LengthTool or EllipticalROITool); middle drag pans,
// right drag zooms. Measurements stay passive when another tool is chosen, so they remain drawn and
// their handles can still be moved. One Cornerstone tool group per viewport; it is destroyed with
// the viewer. The wheel is not a tool here: it goes through the viewer's slice requests
// (sliceRequests.ts) like the keys, whose shortcuts live in keyboard.ts.
import { ToolGroupManager, Enums, PanTool, ZoomTool, WindowLevelTool, LengthTool, EllipticalROITool } from '@cornerstonejs/tools';
import type { ViewerTool } from './types';
import { addBrushTools } from './labelEditing';

const { MouseBindings } = Enums;

const LEFT_BUTTON_TOOLS: Record<ViewerTool, string> = {
  windowLevel: WindowLevelTool.toolName,
  length: LengthTool.toolName,
  ellipse: EllipticalROITool.toolName,
};

export interface ToolGroupHandle {
  setTool(tool: ViewerTool): void;
  /** Cornerstone's group, for the label editor's brushes (labelEditing.ts). */
  readonly group: NonNullable<ReturnType<typeof ToolGroupManager.createToolGroup>>;
  readonly id: string;
  destroy(): void;
}

export function createToolGroup(toolGroupId: string, viewportId: string, renderingEngineId: string): ToolGroupHandle {
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`tool group ${toolGroupId} exists already`);
  for (const tool of [PanTool, ZoomTool, WindowLevelTool, LengthTool, EllipticalROITool]) group.addTool(tool.toolName);
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  const setTool = (tool: ViewerTool) => {
    for (const [name, toolName] of Object.entries(LEFT_BUTTON_TOOLS)) {
      if (name === tool) group.setToolActive(toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
      else if (toolName === WindowLevelTool.toolName) group.setToolDisabled(toolName);
      else group.setToolPassive(toolName);
    }
  };
  setTool('windowLevel');
  group.addViewport(viewportId, renderingEngineId);
  addBrushTools(group);
  return { setTool, group, id: toolGroupId, destroy: () => ToolGroupManager.destroyToolGroup(toolGroupId) };
}
