// Asked for when an ONNX model comes without its `<name>.liverlab.json`: what its input must be
// (size, CT window or none, CLAHE or none, scale, NCHW/NHWC) and what it outputs (probability or
// logits, threshold). Starts from what the model's shapes say and LiverLab's own preprocessing;
// the settings are checked (model/onnxSidecar.ts) and saved with the model.
import { useState } from 'react';
import { checkSidecar, sidecarNameOf, type OnnxShapes, type OnnxSidecar } from '../../model/onnxSidecar';

interface Props {
  fileName: string;
  shapes: OnnxShapes;
  onSubmit(sidecar: OnnxSidecar): void;
  onCancel(): void;
}

/** The form's first values: the layout and size the input shape shows, the reference preprocessing. */
export function sidecarDefaults(shapes: OnnxShapes): OnnxSidecar {
  const s = shapes.input.shape ?? [];
  const layout = s[3] === 1 && s[1] !== 1 ? 'NHWC' : 'NCHW';
  const side = layout === 'NCHW' ? s[2] : s[1];
  return { inputSize: typeof side === 'number' ? side : 128, window: { width: 500, center: 150 }, clahe: { clipLimit: 2, tiles: [8, 8] }, scale: 1 / 255, output: 'probability', threshold: 0.5, layout };
}

export function OnnxSidecarForm({ fileName, shapes, onSubmit, onCancel }: Props) {
  const [v, setV] = useState(() => sidecarDefaults(shapes));
  const [error, setError] = useState<string | null>(null);
  const num = (text: string) => (text.trim() === '' ? NaN : Number(text));
  const submit = () => {
    const checked = checkSidecar(v, sidecarNameOf(fileName));
    if (!checked.ok) return setError(checked.problem.message);
    onSubmit(checked.value);
  };
  return (
    <form
      className="sidecar-form"
      aria-label="ONNX model settings"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p>
        {fileName} came without {sidecarNameOf(fileName)}. Its input is {shapes.input.shape ? `[${shapes.input.shape.join(', ')}]` : 'of unknown shape'}, its output{' '}
        {shapes.output.shape ? `[${shapes.output.shape.join(', ')}]` : 'of unknown shape'}. Say what it was trained on:
      </p>
      <label>
        Input size (px) <input type="number" aria-label="Input size" value={v.inputSize} onChange={(e) => setV({ ...v, inputSize: num(e.target.value) })} />
      </label>
      <label>
        Layout{' '}
        <select aria-label="Layout" value={v.layout} onChange={(e) => setV({ ...v, layout: e.target.value as OnnxSidecar['layout'] })}>
          <option>NCHW</option>
          <option>NHWC</option>
        </select>
      </label>
      <label>
        <input type="checkbox" aria-label="CT window" checked={v.window !== null} onChange={(e) => setV({ ...v, window: e.target.checked ? { width: 500, center: 150 } : null, clahe: e.target.checked ? v.clahe : null })} /> CT window
      </label>
      {v.window && (
        <>
          <label>
            width (HU) <input type="number" aria-label="Window width" value={v.window.width} onChange={(e) => setV({ ...v, window: { ...v.window!, width: num(e.target.value) } })} />
          </label>
          <label>
            centre (HU) <input type="number" aria-label="Window centre" value={v.window.center} onChange={(e) => setV({ ...v, window: { ...v.window!, center: num(e.target.value) } })} />
          </label>
          <label>
            <input type="checkbox" aria-label="CLAHE" checked={v.clahe !== null} onChange={(e) => setV({ ...v, clahe: e.target.checked ? { clipLimit: 2, tiles: [8, 8] } : null })} /> CLAHE
          </label>
        </>
      )}
      {v.clahe && (
        <>
          <label>
            clip <input type="number" step="any" aria-label="CLAHE clip limit" value={v.clahe.clipLimit} onChange={(e) => setV({ ...v, clahe: { ...v.clahe!, clipLimit: num(e.target.value) } })} />
          </label>
          <label>
            tiles <input type="number" aria-label="CLAHE tiles across" value={v.clahe.tiles[0]} onChange={(e) => setV({ ...v, clahe: { ...v.clahe!, tiles: [num(e.target.value), v.clahe!.tiles[1]] } })} />×
            <input type="number" aria-label="CLAHE tiles down" value={v.clahe.tiles[1]} onChange={(e) => setV({ ...v, clahe: { ...v.clahe!, tiles: [v.clahe!.tiles[0], num(e.target.value)] } })} />
          </label>
        </>
      )}
      <label>
        Scale <input type="number" step="any" aria-label="Scale" value={v.scale} onChange={(e) => setV({ ...v, scale: num(e.target.value) })} />
      </label>
      <label>
        Output{' '}
        <select aria-label="Output" value={v.output} onChange={(e) => setV({ ...v, output: e.target.value as OnnxSidecar['output'] })}>
          <option value="probability">probability</option>
          <option value="logits">logits</option>
        </select>
      </label>
      <label>
        Threshold <input type="number" step="any" aria-label="Threshold" value={v.threshold} onChange={(e) => setV({ ...v, threshold: num(e.target.value) })} />
      </label>
      <button type="submit" className="primary">
        Import with these settings
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
