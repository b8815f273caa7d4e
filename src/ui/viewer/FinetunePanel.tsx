// "Fine-tune on these corrections": runs the fine-tune of the model in use on the saved label in a
// worker, with its progress (epoch, step, loss, time left), then the new model (naming its parent),
// the Dice of parent and child on the patient's other slices and on the corrected ones, and what
// re-segmenting changed. Layout only: state in finetuneStore.ts.
import { useFinetuneStore } from '../../state/finetuneStore';
import { useLabelStore } from '../../state/labelStore';

const dice = (d: number | null | undefined) => (d === null || d === undefined ? '—' : d.toFixed(3));

export function FinetunePanel() {
  const f = useFinetuneStore();
  const stored = useLabelStore((s) => s.stored && (s.label?.edited.length ?? 0) > 0);
  // The corrections are the slices edited by hand: a label saved as it came (from a file, a prediction) has none yet.
  const noCorrections = useLabelStore((s) => s.editing && s.stored && s.label?.edited.length === 0);
  const o = f.outcome;
  return (
    <div className="finetune" data-testid="finetune">
      <button type="button" disabled={!stored || f.status === 'running'} onClick={() => void f.run()} title="Fine-tune the model in use on the edited slices of the saved label">
        Fine-tune on these corrections
      </button>
      {f.status === 'running' && (
        <button type="button" onClick={f.stop}>
          Stop
        </button>
      )}
      {noCorrections && f.status !== 'running' && (
        <p className="muted" data-testid="finetune-needs-corrections">
          No corrected slices yet: fine-tuning learns from the slices you edit by hand and save.
        </p>
      )}
      {f.message && (
        <p className={f.status === 'error' ? 'error' : 'muted'} role="status" data-testid="finetune-message">
          {f.message}
        </p>
      )}
      {f.progress && f.status === 'running' && (
        <p data-testid="finetune-progress">
          epoch {f.progress.epoch}/{f.progress.epochs} · step {f.progress.step}/{f.progress.steps} · loss {f.progress.loss.toFixed(4)}
          {f.progress.etaSeconds !== null && ` · ~${f.progress.etaSeconds} s left`}
        </p>
      )}
      {o && !o.stopped && (
        <dl className="finetune-outcome" data-testid="finetune-outcome">
          <dt>New model</dt>
          <dd data-testid="finetune-model">{o.model.name}</dd>
          <dt>Parent</dt>
          <dd data-testid="finetune-parent">{o.model.finetune?.parent.name}</dd>
          <dt>Dice, other slices</dt>
          <dd data-testid="finetune-other-dice" data-before={o.otherSlicesDice?.before} data-after={o.otherSlicesDice?.after}>
            {dice(o.otherSlicesDice?.before)} → {dice(o.otherSlicesDice?.after)}
          </dd>
          <dt>Dice, corrected slices</dt>
          <dd>
            {dice(o.correctedDice.before)} → {dice(o.correctedDice.after)}
          </dd>
          <dt>Time</dt>
          <dd>
            {o.model.finetune?.seconds} s on {o.backend}
            {o.threads > 1 ? `, ${o.threads} threads` : ''}
          </dd>
        </dl>
      )}
      {f.resegmented && (
        <p data-testid="finetune-resegmented">
          Re-segmented: {f.resegmented.before.ml?.toFixed(0) ?? '—'} → {f.resegmented.after.ml?.toFixed(0) ?? '—'} ml, Dice {dice(f.resegmented.before.dice)} → {dice(f.resegmented.after.dice)}; the prediction moved on{' '}
          {f.resegmented.changedSlices.length} slices{f.resegmented.changedSlices.length > 0 && ` (${summarise(f.resegmented.changedSlices)})`}.
        </p>
      )}
    </div>
  );
}

/** 3, 4, 5, 9 → "3–5, 9". */
function summarise(slices: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < slices.length; ) {
    let j = i;
    while (j + 1 < slices.length && slices[j + 1] === slices[j] + 1) j++;
    parts.push(i === j ? `${slices[i]}` : `${slices[i]}–${slices[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
