// A preview of what the model will see: a few slices of the dataset with this run's augmentation
// (the same seeded transform for image and mask), mask drawn over the image.
import { useEffect, useRef, useState } from 'react';
import type { CachedDataset } from '../../storage/schema';
import { openCache } from '../../storage/schema';
import { listPatients, readSlice } from '../../storage/datasets';
import type { TrainerSettings } from '../../model/trainer';
import { buildSliceSet } from '../../model/sliceSet';
import { makeBatch, type Batch } from '../../model/batches';

const PREVIEW_SIZE = 128;

export function AugmentPreview({ dataset, settings }: { dataset: CachedDataset; settings: TrainerSettings }) {
  const [batch, setBatch] = useState<Batch | null>(null);
  const [epoch, setEpoch] = useState(0);
  const { seed, augment } = settings;
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const db = await openCache();
      const [meta] = await listPatients(db, dataset.patientKeys.slice(0, 1));
      if (!meta) return;
      const picks = [0.2, 0.4, 0.6, 0.8].map((f) => Math.floor(f * (meta.kept - 1)));
      const rows = await Promise.all(picks.map((i) => readSlice(db, meta.key, i)));
      const px = meta.width * meta.height;
      const images = new Uint8Array(rows.length * px);
      const masks = new Uint8Array(rows.length * px);
      rows.forEach((r, i) => {
        if (!r) return;
        images.set(r.image, i * px);
        masks.set(r.mask, i * px);
      });
      const set = buildSliceSet([{ name: meta.name, width: meta.width, height: meta.height, kept: rows.length, images, masks }], PREVIEW_SIZE);
      const b = makeBatch(set, [0, 1, 2, 3], augment.mode === 'none' ? null : { seed, epoch, settings: { ...augment, mode: 'online' } });
      if (!cancelled) setBatch(b);
    })();
    return () => {
      cancelled = true;
    };
  }, [dataset, seed, augment, epoch]);

  return (
    <div className="augment-preview" data-testid="augment-preview">
      <span className="muted">Augmentation preview (epoch {epoch})</span>
      <div className="tiles">{batch && Array.from({ length: batch.n }, (_, k) => <PreviewTile key={k} batch={batch} k={k} />)}</div>
      <button className="link" onClick={() => setEpoch(epoch + 1)}>
        another draw
      </button>
    </div>
  );
}

function PreviewTile({ batch, k }: { batch: Batch; k: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const px = PREVIEW_SIZE * PREVIEW_SIZE;
    const img = ctx.createImageData(PREVIEW_SIZE, PREVIEW_SIZE);
    for (let i = 0; i < px; i++) {
      const g = Math.round(batch.x[k * px + i] * 255);
      const m = batch.y[k * px + i];
      img.data[4 * i] = Math.round(g * (1 - 0.45 * m) + 255 * 0.45 * m);
      img.data[4 * i + 1] = Math.round(g * (1 - 0.45 * m) + 120 * 0.45 * m);
      img.data[4 * i + 2] = Math.round(g * (1 - 0.45 * m));
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [batch, k]);
  return <canvas ref={ref} width={PREVIEW_SIZE} height={PREVIEW_SIZE} />;
}
