// AssemblyScript, compiled to clahe.wasm by `npm run build:kernels` (scripts/build-kernels.ts); the
// .wasm is committed and a unit test checks it is this file's build. The two hot loops of CLAHE
// (pipeline/clahe.ts): tile histograms, and each pixel's bilinear mix of its four tiles' LUTs. The mix
// is OpenCV's own float32 arithmetic — WASM's f32 operations are IEEE single precision with no fused
// multiply-add, and f32.nearest rounds ties to even as cvRound does — so it is exact by construction,
// four pixels at a time (SIMD128). Memory is laid out by the caller (pipeline/clahe.ts): no allocator.

/**
 * dst[y·width + x] for every pixel: the tile LUTs at `lut` (tile row·tilesX·256 + tile column·256),
 * columns in runs sharing their left/right tiles (run k: [runStart[k], runStart[k+1]) with LUT offsets
 * runLo[k], runHi[k]), per-column weights xa/xa1 (f32), per-row LUT offsets yLo/yHi and weights ya/ya1.
 */
export function interpolate(src: usize, dst: usize, lut: usize, width: i32, height: i32, xa: usize, xa1: usize, runStart: usize, runLo: usize, runHi: usize, runs: i32, yLo: usize, yHi: usize, ya: usize, ya1: usize): void {
  for (let y = 0; y < height; y++) {
    const upper = lut + <usize>load<i32>(yLo + (<usize>y << 2));
    const lower = lut + <usize>load<i32>(yHi + (<usize>y << 2));
    const wy = load<f32>(ya + (<usize>y << 2));
    const wy1 = load<f32>(ya1 + (<usize>y << 2));
    const vy = f32x4.splat(wy);
    const vy1 = f32x4.splat(wy1);
    const s = src + <usize>(y * width);
    const d = dst + <usize>(y * width);
    for (let k = 0; k < runs; k++) {
      const lo = <usize>load<i32>(runLo + (<usize>k << 2));
      const hi = <usize>load<i32>(runHi + (<usize>k << 2));
      const ul0 = upper + lo;
      const ur0 = upper + hi;
      const ll0 = lower + lo;
      const lr0 = lower + hi;
      const end = load<i32>(runStart + (<usize>(k + 1) << 2));
      let x = load<i32>(runStart + (<usize>k << 2));
      for (; x + 4 <= end; x += 4) {
        const p = s + <usize>x;
        const v0 = <usize>load<u8>(p);
        const v1 = <usize>load<u8>(p, 1);
        const v2 = <usize>load<u8>(p, 2);
        const v3 = <usize>load<u8>(p, 3);
        const ul = f32x4(<f32>load<u8>(ul0 + v0), <f32>load<u8>(ul0 + v1), <f32>load<u8>(ul0 + v2), <f32>load<u8>(ul0 + v3));
        const ur = f32x4(<f32>load<u8>(ur0 + v0), <f32>load<u8>(ur0 + v1), <f32>load<u8>(ur0 + v2), <f32>load<u8>(ur0 + v3));
        const ll = f32x4(<f32>load<u8>(ll0 + v0), <f32>load<u8>(ll0 + v1), <f32>load<u8>(ll0 + v2), <f32>load<u8>(ll0 + v3));
        const lr = f32x4(<f32>load<u8>(lr0 + v0), <f32>load<u8>(lr0 + v1), <f32>load<u8>(lr0 + v2), <f32>load<u8>(lr0 + v3));
        const wx = v128.load(xa + (<usize>x << 2));
        const wx1 = v128.load(xa1 + (<usize>x << 2));
        // OpenCV: (ul·xa1 + ur·xa)·ya1 + (ll·xa1 + lr·xa)·ya, each product and sum rounded to float32.
        const top = f32x4.add(f32x4.mul(ul, wx1), f32x4.mul(ur, wx));
        const bot = f32x4.add(f32x4.mul(ll, wx1), f32x4.mul(lr, wx));
        const r = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.add(f32x4.mul(top, vy1), f32x4.mul(bot, vy))));
        const r16 = i16x8.narrow_i32x4_s(r, r);
        v128.store32_lane(d + <usize>x, i8x16.narrow_i16x8_u(r16, r16), 0); // saturates at 255
      }
      for (; x < end; x++) {
        const v = <usize>load<u8>(s + <usize>x);
        const wx = load<f32>(xa + (<usize>x << 2));
        const wx1 = load<f32>(xa1 + (<usize>x << 2));
        const top: f32 = <f32>load<u8>(ul0 + v) * wx1 + <f32>load<u8>(ur0 + v) * wx;
        const bot: f32 = <f32>load<u8>(ll0 + v) * wx1 + <f32>load<u8>(lr0 + v) * wx;
        let r = <i32>nearest<f32>(top * wy1 + bot * wy);
        if (r > 255) r = 255;
        store<u8>(d + <usize>x, <u8>r);
      }
    }
  }
}

/** The tiles' histograms (i32, tilesX·(height/tileH)·256 at `hist`, zeroed here) of an image the grid divides exactly. */
export function histograms(src: usize, width: i32, height: i32, tilesX: i32, tileW: i32, tileH: i32, hist: usize): void {
  memory.fill(hist, 0, <usize>(tilesX * (height / tileH) * 256) << 2);
  for (let y = 0; y < height; y++) {
    const base = hist + (<usize>((y / tileH) * tilesX * 256) << 2);
    const row = src + <usize>(y * width);
    for (let tx = 0; tx < tilesX; tx++) {
      const h = base + (<usize>(tx * 256) << 2);
      const c0 = row + <usize>(tx * tileW);
      for (let c: usize = 0; c < <usize>tileW; c++) {
        const p = h + (<usize>load<u8>(c0 + c) << 2);
        store<i32>(p, load<i32>(p) + 1);
      }
    }
  }
}
