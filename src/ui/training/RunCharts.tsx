// A run's curves — loss per step, training and validation Dice per epoch — for the live run and for
// any past run reopened from the runs table, with its history as a CSV download. Layout only.
import type { EpochRecord, StepRecord } from '../../model/trainer';
import { historyFileName, trainingHistoryCsv } from '../../export/trainingHistory';
import { downloadBlob } from '../../workers/exportClient';
import { LineChart } from './LineChart';
import { shortName } from '../format';

export function RunCharts({ name, history, steps }: { name: string; history: EpochRecord[]; steps: StepRecord[] }) {
  // −Dice alone never goes above 0; −Dice + BCE starts above it (the Laptop preset's loss).
  const lossAboveZero = steps.some((r) => r.loss > 0);
  return (
    <div className="run-charts" data-testid="run-charts" data-run={name}>
      <div className="charts">
        <LineChart
          title={`Loss per step — ${shortName(name)}`}
          xLabel="step"
          yRange={[-1, lossAboveZero ? 1 : 0]}
          series={[{ name: 'train loss', color: 'var(--series-1)', points: steps.map((r) => [r.step, r.loss]) }]}
        />
        <LineChart
          title={`Dice per epoch — ${shortName(name)}`}
          xLabel="epoch"
          yRange={[0, 1]}
          series={[
            { name: 'train (soft)', color: 'var(--series-1)', points: history.map((h) => [h.epoch, h.dice]) },
            { name: 'validation', color: 'var(--series-2)', points: history.map((h) => [h.epoch, h.valDice ?? NaN]) },
          ]}
        />
      </div>
      <button
        type="button"
        className="link"
        disabled={history.length === 0}
        onClick={() => downloadBlob(new Blob([trainingHistoryCsv(history)], { type: 'text/csv' }), historyFileName(name))}
      >
        Download history (CSV)
      </button>
    </div>
  );
}
