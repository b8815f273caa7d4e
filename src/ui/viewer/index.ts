// The viewer UI as the app mounts it: `<ViewerPanel />` (no props).
export { ViewerPanel } from './ViewerPanel';
