// "Repeat with 3 seeds", read back: for each repeat, every held-out patient's Dice at each seed's
// best epoch, their median and spread (max − min), so a recipe is told from a lucky seed. Seeds
// still training or not yet started show as such; the numbers come from model/seedRepeats.
import { useTrainingStore } from '../../state/trainingStore';
import { bestEpochDice, medianAndSpread, seedSpread } from '../../model/seedRepeats';
import type { TrainingRun } from '../../storage/schema';

export function SeedRepeats() {
  const runs = useTrainingStore((s) => s.runs);
  const groups = new Map<string, TrainingRun[]>();
  for (const r of [...runs].reverse()) if (r.repeat) groups.set(r.repeat.group, [...(groups.get(r.repeat.group) ?? []), r]);
  if (groups.size === 0) return null;
  return (
    <div className="seed-repeats">
      {[...groups.values()].map((group) => (
        <SeedRepeat key={group[0].repeat!.group} runs={group} />
      ))}
    </div>
  );
}

function SeedRepeat({ runs }: { runs: TrainingRun[] }) {
  const seeds = runs[0].repeat!.seeds;
  const bySeed = new Map(runs.map((r) => [r.settings.seed, r]));
  const results = seeds.map((seed) => {
    const run = bySeed.get(seed);
    return { seed, perPatientDice: run ? bestEpochDice(run.state.history, run.state.bestEpoch) : {} };
  });
  const overall = medianAndSpread(seeds.map((seed) => bySeed.get(seed)?.state.bestValDice ?? null));
  const cell = (d: number | null) => (d === null ? '—' : d.toFixed(3));
  const name = runs[0].name.replace(/ · seed -?\d+$/, '');
  return (
    <table className="per-patient-dice" data-testid="seed-repeat" aria-label={`Seed repeat: ${name}`}>
      <caption>
        {name}: best-epoch validation Dice per seed
      </caption>
      <thead>
        <tr>
          <th>Patient</th>
          {seeds.map((seed) => {
            const run = bySeed.get(seed);
            const note = !run ? ' (not run)' : run.status === 'finished' ? '' : ` (${run.state.epoch} / ${run.settings.epochs})`;
            return <th key={seed}>{`seed ${seed}${note}`}</th>;
          })}
          <th>median</th>
          <th>spread</th>
        </tr>
      </thead>
      <tbody>
        {seedSpread(results).map((p) => (
          <tr key={p.patient} data-testid="seed-repeat-patient" data-patient={p.patient}>
            <td>{p.patient}</td>
            {p.dice.map((d, i) => (
              <td key={seeds[i]}>{cell(d)}</td>
            ))}
            <td data-testid="seed-median">{cell(p.median)}</td>
            <td data-testid="seed-spread">{cell(p.spread)}</td>
          </tr>
        ))}
        {overall && (
          <tr>
            <td>mean of patients</td>
            {seeds.map((seed) => (
              <td key={seed}>{cell(bySeed.get(seed)?.state.bestValDice ?? null)}</td>
            ))}
            <td>{cell(overall.median)}</td>
            <td>{cell(overall.spread)}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
