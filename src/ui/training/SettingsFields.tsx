// The editable training settings: model size, optimisation (loss, learning-rate schedule, the
// weights' moving average), augmentation mode and ranges. Every knob the CLI's `train` has.
import type { TrainerSettings } from '../../model/trainer';
import type { AugmentMode } from '../../model/batches';
import type { LossName } from '../../model/losses';
import { CONSTANT_SCHEDULE, type LearningRateDecay } from '../../model/schedule';

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
  { key: 'brightnessRange', label: 'Brightness (±)' },
  { key: 'channelShiftRange', label: 'Intensity shift (grey levels)' },
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
      <RecipeFields settings={settings} onChange={onChange} />
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
            <input type="number" aria-label={r.label} step={0.01} value={a.ranges[r.key] ?? 0} onChange={(e) => onChange({ ...settings, augment: { ...a, ranges: { ...a.ranges, [r.key]: Number(e.target.value) } } })} />
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

/** Loss, learning-rate warm-up and decay, and the weights' moving average (absent settings: the reference's). */
function RecipeFields({ settings, onChange }: { settings: TrainerSettings; onChange: (s: TrainerSettings) => void }) {
  const schedule = settings.schedule ?? CONSTANT_SCHEDULE;
  const setSchedule = (patch: Partial<typeof schedule>) => onChange({ ...settings, schedule: { ...schedule, ...patch } });
  return (
    <div className="settings">
      <label>
        Loss
        <select aria-label="Loss" value={settings.loss ?? 'dice'} onChange={(e) => onChange({ ...settings, loss: e.target.value as LossName })}>
          <option value="dice">−Dice (the reference)</option>
          <option value="dicebce">−Dice + binary cross-entropy</option>
        </select>
      </label>
      <label>
        Learning-rate decay
        <select aria-label="Learning-rate decay" value={schedule.decay} onChange={(e) => setSchedule({ decay: e.target.value as LearningRateDecay })}>
          <option value="constant">constant</option>
          <option value="cosine">cosine to the end</option>
          <option value="step">×0.1 at two thirds</option>
        </select>
      </label>
      <label title="Epochs of linear learning-rate warm-up (fractions allowed)">
        Warm-up
        <input type="number" aria-label="Warm-up" min={0} step={0.5} value={schedule.warmupEpochs} onChange={(e) => setSchedule({ warmupEpochs: Number(e.target.value) })} />
      </label>
      <label title="Validate and save an exponential moving average of the weights; 0: the trained weights">
        Weight average (decay)
        <input type="number" aria-label="Weight average (decay)" min={0} max={0.999} step={0.01} value={settings.weightAverage ?? 0} onChange={(e) => onChange({ ...settings, weightAverage: Number(e.target.value) || undefined })} />
      </label>
    </div>
  );
}
