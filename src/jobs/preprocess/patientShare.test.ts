// A patient split across workers must give exactly what the whole-patient job gives (and so the
// reference pipeline): the real 3Dircadb1.17 from its zips, scanned, planned into 2 and 3 shares,
// each share run on its own like a worker does, the shares' pixels laid end to end.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectNodeSources, type NodeDrop } from '../../node/nodeSources';
import { nodeCrc32, nodeInflateRaw } from '../../node/nodeInflate';
import { setInflateRaw } from '../../archive/inflate';
import { scanPatients } from '../../discovery/scanPatients';
import type { PatientScan } from '../../discovery/types';
import { DEFAULT_PIPELINE_PARAMS } from '../../pipeline/params';
import { runPartJob } from './patientShare';
import { runPreprocessJob } from './wholePatient';
import { planPatientParts } from './plan';

const SHARED = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared');
const patientDir = join(SHARED, 'data', '3Dircadb1.17');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('a patient split across workers', () => {
  let drop: NodeDrop;
  let scan: PatientScan;
  beforeAll(async () => {
    expect(existsSync(patientDir), `shared test data missing: ${patientDir}`).toBe(true);
    setInflateRaw(nodeInflateRaw, nodeCrc32); // as the CLI does: Node's zlib and its CRC-32
    drop = await collectNodeSources([patientDir]);
    scan = (await scanPatients(drop.sources)).patients.find((p) => p.name === '3Dircadb1.17') as PatientScan;
  }, 120_000);

  it('gives the whole-patient job’s (and the reference’s) pixels, share by share', async () => {
    const reference = JSON.parse(readFileSync(join(SHARED, 'reference/pipeline/3Dircadb1.17.json'), 'utf8')) as { sha256Images: string; sha256Masks: string; kept: number };
    const whole = await runPreprocessJob(null, { patient: scan.name, sources: drop.sources, params: DEFAULT_PIPELINE_PARAMS, spacing: scan.spacing });
    if (!whole.ok || !whole.pixels) throw new Error(whole.ok ? 'no pixels' : whole.problem.message);

    for (const shares of [2, 3]) {
      const plan = planPatientParts(scan, DEFAULT_PIPELINE_PARAMS, shares);
      if (!plan) throw new Error('no plan for a clean patient');
      expect(plan.parts).toHaveLength(shares);
      expect({ start: plan.start, end: plan.end, keptFrom: plan.keptFrom, keptTo: plan.keptTo, kept: plan.kept }).toEqual({
        start: whole.meta.start,
        end: whole.meta.end,
        keptFrom: whole.meta.keptFrom,
        keptTo: whole.meta.keptTo,
        kept: whole.meta.kept,
      });
      const images: Uint8Array[] = [];
      const masks: Uint8Array[] = [];
      let offset = 0;
      for (const planned of plan.parts) {
        // Three shares read their mask files again (as when the scan kept no runs); two use the scan's runs.
        const { maskRuns, ...fromFiles } = planned;
        const part = shares === 3 ? fromFiles : planned;
        if (shares === 2) expect(maskRuns).toBeDefined();
        expect(part.offset).toBe(offset);
        offset += part.ct.length;
        const out = await runPartJob(null, { patient: scan.name, key: 'k', sources: drop.sources, params: DEFAULT_PIPELINE_PARAMS, width: plan.width, height: plan.height, part });
        if (!out.ok || !out.pixels) throw new Error(out.ok ? 'no pixels' : out.problem.message);
        images.push(out.pixels.images);
        masks.push(out.pixels.masks);
      }
      expect(offset).toBe(reference.kept);
      expect(sha256(concat(images))).toBe(reference.sha256Images);
      expect(sha256(concat(masks))).toBe(reference.sha256Masks);
      expect(sha256(concat(images))).toBe(sha256(whole.pixels.images));
    }
  }, 120_000);

  it('is not planned for a patient without the organ, and names a file gone since the scan', async () => {
    expect(planPatientParts(scan, { ...DEFAULT_PIPELINE_PARAMS, organ: 'no-such-organ' }, 2)).toBeNull();
    expect(planPatientParts(scan, { ...DEFAULT_PIPELINE_PARAMS, margin: 200 }, 2)).toBeNull();
    const plan = planPatientParts(scan, DEFAULT_PIPELINE_PARAMS, 2)!;
    const part = { ...plan.parts[0], ct: [...plan.parts[0].ct.slice(0, -1), '3Dircadb1.17/PATIENT_DICOM/image_999'] };
    const out = await runPartJob(null, { patient: scan.name, key: 'k', sources: drop.sources, params: DEFAULT_PIPELINE_PARAMS, width: plan.width, height: plan.height, part });
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.problem.file).toBe('3Dircadb1.17/PATIENT_DICOM/image_999');
      expect(out.problem.message).toMatch(/not found/);
    }
  }, 120_000);
});
