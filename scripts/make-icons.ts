// Draws the PWA icons (public/icons/*.png) with LiverLab's own PNG encoder: a dark CT-like disc
// with a liver-coloured lobe, no downloads and no image tools. Re-run after changing the drawing:
// `npx tsx scripts/make-icons.ts`. Deterministic: the same bytes every run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from '../src/export/png';

const out = join(dirname(fileURLToPath(import.meta.url)), '../public/icons');

/** RGBA icon of `size`²; `safe` is the fraction of the side that the drawing keeps inside (maskable icons need 0.8). */
function drawIcon(size: number, safe: number, roundedCorners: boolean): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const c = size / 2;
  const s = (size * safe) / 2; // half-size of the drawing area
  const corner = size * 0.18;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      // Background: a slate tile (rounded unless maskable, which must fill the square).
      const dx = Math.max(corner - x - 0.5, x + 0.5 - (size - corner), 0);
      const dy = Math.max(corner - y - 0.5, y + 0.5 - (size - corner), 0);
      if (roundedCorners && Math.hypot(dx, dy) > corner) continue; // transparent
      let [r, g, b] = [30, 41, 59];
      // Body: a grey ellipse, like an axial CT slice.
      const u = (x + 0.5 - c) / s;
      const v = (y + 0.5 - c) / s;
      if ((u / 0.92) ** 2 + (v / 0.72) ** 2 < 1) [r, g, b] = [110, 118, 128];
      // Liver: a large lobe on the image's left (the patient's right), narrowing to the right.
      const lu = (u + 0.28) / 0.5;
      const lv = (v + 0.05) / 0.42;
      const taper = 1 - Math.max(0, u + 0.1) * 0.9;
      if (lu * lu + (lv / Math.max(taper, 0.05)) ** 2 < 1 && u < 0.45) [r, g, b] = [234, 110, 52];
      // Spine: a bright dot at the back.
      if (Math.hypot(u, v - 0.5) < 0.1) [r, g, b] = [240, 240, 235];
      px.set([r, g, b, 255], i);
    }
  return px;
}

mkdirSync(out, { recursive: true });
for (const [name, size, safe, rounded] of [
  ['icon-192.png', 192, 0.9, true],
  ['icon-512.png', 512, 0.9, true],
  ['icon-maskable-512.png', 512, 0.7, false],
  ['apple-touch-icon-180.png', 180, 0.8, false],
] as const) {
  writeFileSync(join(out, name), encodePng(drawIcon(size, safe, rounded), size, size));
  console.log(`public/icons/${name} (${size}×${size})`);
}
