// The editable training settings: model size, optimisation, augmentation mode and ranges.
import type { TrainerSettings } from '../../model/trainer';
import type { AugmentMode } from '../../model/batches';

type NumberKey = 'baseFilters' | 'size' | 'batchSize' | 'learningRate' | 'epochs' | 'seed' | 'threshold';
type RangeKey = keyof TrainerSettings['augment']['ranges'];

const FIELDS: { key: NumberKey; label: string; step?: number }[] = [
  { key: 'baseFilters', label: 'Base filters' },
  { key: 'size', label: 'Input size (px)', step: 16 },
  { key: 'batchSize', label: 'Batch size' },
  { key: 'learningRate', label: 'Learning rate', step: 0.0001 },
  { key: 'epochs', label: 'Epochs' },
  { key: 'seed', label: 'Seed' },
  { key: 'threshold', label: 'Dice threshold', step: 0.05 },
];

const RANGES: { key: RangeKey; label: string }[] = [
  { key: 'rotationRange', label: 'Rotation (°)' },
  { key: 'widthShiftRange', label: 'Width shift' },
  { key: 'heightShiftRange', label: 'Height shift' },
  { key: 'shearRange', label: 'Shear (°)' },
  { key: 'zoomRange', label: 'Zoom' },
];

export function SettingsFields({ settings, onChange }: { settings: TrainerSettings; onChange: (s: TrainerSettings) => void }) {
  const a = settings.augment;
  return (
    <>
      <div className="settings">
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input type="number" aria-label={f.label} step={f.step ?? 1} value={settings[f.key]} onChange={(e) => onChange({ ...settings, [f.key]: Number(e.target.value) })} />
          </label>
        ))}
      </div>
      <div className="settings">
        <label>
          Augmentation
          <select aria-label="Augmentation" value={a.mode} onChange={(e) => onChange({ ...settings, augment: { ...a, mode: e.target.value as AugmentMode } })}>
            <option value="online">online, every epoch</option>
            <option value="offline">offline, as the reference (originals + 64 per patient)</option>
            <option value="none">none</option>
          </select>
        </label>
        {RANGES.map((r) => (
          <label key={r.key}>
            {r.label}
            <input type="number" step={0.01} value={a.ranges[r.key]} onChange={(e) => onChange({ ...settings, augment: { ...a, ranges: { ...a.ranges, [r.key]: Number(e.target.value) } } })} />
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={a.rebinariseMasks} onChange={(e) => onChange({ ...settings, augment: { ...a, rebinariseMasks: e.target.checked } })} />
          re-binarise masks at 0.5
        </label>
      </div>
    </>
  );
}
