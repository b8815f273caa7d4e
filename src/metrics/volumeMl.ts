// The volume of a binary mask in millilitres: foreground voxels × voxel volume. Pure.
// Spacing is [row, column, slice] in mm, as everywhere in LiverLab (CachedPatient.spacing).

export type Spacing = readonly [number, number, number];

/** Foreground voxels × (row × column × slice spacing) mm³, in mL (1 mL = 1000 mm³). */
export function volumeMl(mask: ArrayLike<number>, spacing: Spacing): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return (n * spacing[0] * spacing[1] * spacing[2]) / 1000;
}
