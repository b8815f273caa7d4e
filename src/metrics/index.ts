// Segmentation metrics, pure and typed-array only: the same numbers in the viewer, the results
// table, the CLI and the tests. Per-slice areas/Dice/IoU are the viewer's sliceStats (already pure).
export { diceCoefficient } from './diceCoefficient';
export { iou } from './iou';
export { overlapCounts, type OverlapCounts } from './overlapCounts';
export { hausdorff95, surfaceDistances, percentile } from './hausdorff95';
export { volumeMl, type Spacing } from './volumeMl';
export { largestConnectedComponent } from '../model/largestConnectedComponent';
export { squaredDistanceTransform } from './distanceTransform';
export { sliceStats, volumeDice, type SliceStats } from './sliceStats';
export { patientMetrics, type PatientMetrics } from './patientMetrics';
