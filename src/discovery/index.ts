// Discovery's public face: what a drop holds (scanPatients) and one patient's pixels (loadPatientSeries).
// The work lives in focused modules — discoverWalk (reading a drop, zips expanded), discoverScan (files
// grouped into patients, headers only), discoverLoad (one patient's series with pixels) and
// discoverSeries (ordering one folder's slices into a series) — re-exported here so callers keep one import.
export { scanPatients, type ScanOptions, type ScanResult } from './scanPatients';
export { loadPatientSeries, type LoadOptions, type PatientSeries } from './loadPatientSeries';
export type { DropItem, DropSources, ZipCaps } from './walkDrop';
