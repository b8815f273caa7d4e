// The MPR views share the area by the volume's proportions: a short scan sits beside a large axial,
// a long one lines the three views up.
import { describe, expect, it } from 'vitest';
import { mprLayout } from './mprLayout';

describe('mprLayout', () => {
  it('3Dircadb1.17 cached (512², 102 slices of 1.6 mm): axial on the left, coronal over sagittal, larger than in a row', () => {
    const volume = { width: 512, height: 512, slices: 102, spacing: [0.743, 0.743, 1.6] as [number, number, number] };
    const layout = mprLayout(volume, 900, 620);
    expect(layout.arrangement).toBe('side');
    const extent = 512 * 0.743;
    // The whole width is used: axial plus the right column at one scale.
    expect(layout.scale * (extent + extent)).toBeCloseTo(900, 6);
    expect(layout.height).toBe(Math.round(extent * layout.scale));
    expect(layout.scale).toBeGreaterThan(900 / (3 * extent));
  });

  it('a long scan (400 slices of 1.25 mm) in a wide, low area: the three views in a row', () => {
    const volume = { width: 512, height: 512, slices: 400, spacing: [0.7, 0.7, 1.25] as [number, number, number] };
    const layout = mprLayout(volume, 1400, 500);
    expect(layout.arrangement).toBe('row');
    expect(layout.height).toBeLessThanOrEqual(500);
    expect(layout.areas).toBe('"a c s"');
  });

  it('never taller than the height allowed', () => {
    for (const slices of [10, 50, 120, 300]) {
      const layout = mprLayout({ width: 128, height: 128, slices, spacing: [2.97, 2.97, 1.6] }, 800, 400);
      expect(layout.height).toBeLessThanOrEqual(400);
    }
  });
});
