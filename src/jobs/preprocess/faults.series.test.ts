// Issue 7 §1, ingest half (slice order and numbering; CT and masks that do not match; patients preprocessing cannot use): bad input a clinician's export can hold, written as real
// files to a temp folder and run through the same core the browser workers and the CLI use —
// scanPatients (scan worker, `inspect`) and runPreprocessJob (preprocess worker, `preprocess`,
// `train`). Each case asserts the message the user reads (naming the file and the problem) and
// what is kept: the other slices and patients go on. (What the cache keeps is asserted in a real
// browser by e2e/faults.spec.ts: Node has no IndexedDB.)
import { describe, expect, it } from 'vitest';
import { syntheticFiles, withoutInstanceNumber, withoutPosition, type DropFile } from '../../test-support/faultFixtures';
import { KEPT, S, expectFailure, mapFiles, onDisk, patient, patientOf, plain, preprocess, processed, scan, tempDropFolder } from '../../test-support/faultDrops';

tempDropFolder();

describe('issue 7 §1 faults: slice order and numbering', () => {
  /** File names that sort against the slice order: image_<S−1−k> holds slice k. */
  const reversedNames = (files: DropFile[]) =>
    files.map((f) => ({ ...f, path: f.path.replace(/image_(\d+)$/, (_, k) => `image_${S - 1 - Number(k)}`) }));

  it('without InstanceNumber the CT is ordered by ImagePositionPatient, and the user is told', async () => {
    const files = mapFiles(reversedNames(patient({ name: 'P' })), /./, withoutInstanceNumber);
    const dir = await onDisk('no-instance', files);
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      { file: 'no-instance/P/PATIENT_DICOM', message: `PATIENT_DICOM: ${S} of ${S} slices have no InstanceNumber; ordered and numbered by ImagePositionPatient`, severity: 'warning' },
      { file: 'no-instance/P/MASKS_DICOM/liver', message: `liver: ${S} of ${S} slices have no InstanceNumber; ordered and numbered by ImagePositionPatient`, severity: 'warning' },
    ]);
    expect(p.ct[0].file).toBe(`no-instance/P/PATIENT_DICOM/image_${S - 1}`);
    const reference = await onDisk('no-instance-reference', patient({ name: 'P' }));
    const a = processed(await preprocess(dir, 'P'));
    const b = processed(await preprocess(reference, 'P'));
    expect([a.meta.start, a.meta.end]).toEqual([7, 22]);
    expect(a.images).toEqual(b.images);
  });

  it('without InstanceNumber nor ImagePositionPatient the order is the file names’ (natural: image_2 < image_10), and the user is told', async () => {
    const files = mapFiles(patient({ name: 'P' }), /./, (b) => withoutPosition(withoutInstanceNumber(b)));
    const dir = await onDisk('no-position', files);
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toContainEqual({
      file: 'no-position/P/PATIENT_DICOM',
      message: `PATIENT_DICOM: ${S} of ${S} slices have no InstanceNumber; ordered and numbered by file name`,
      severity: 'warning',
    });
    expect(p.ct.slice(0, 3).map((s) => s.file)).toEqual([0, 1, 2].map((k) => `no-position/P/PATIENT_DICOM/image_${k}`));
    expect(p.ct[10].file).toBe('no-position/P/PATIENT_DICOM/image_10');
    const reference = await onDisk('no-position-reference', patient({ name: 'P' }));
    expect(processed(await preprocess(dir, 'P')).images).toEqual(processed(await preprocess(reference, 'P')).images);
  });

  it('two different images with the same InstanceNumber: both files named, the second ignored (an error)', async () => {
    const files = patient({ name: 'P' });
    const other = patient({ name: 'P', seriesSeed: 'P', instanceNumber: (k) => (k === 11 ? 10 : k) }).find((f) => f.path === 'P/PATIENT_DICOM/image_11') as DropFile;
    const dir = await onDisk('duplicate', [...files, { path: 'P/PATIENT_DICOM/image_10b', bytes: other.bytes }]);
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      {
        file: 'duplicate/P/PATIENT_DICOM/image_10b',
        message: 'PATIENT_DICOM: InstanceNumber 10 appears in both duplicate/P/PATIENT_DICOM/image_10 and duplicate/P/PATIENT_DICOM/image_10b; image_10b ignored',
        severity: 'error',
      },
    ]);
    expect(p.ct).toHaveLength(S);
  });

  it('the same image twice (a copied file) is a warning that names both', async () => {
    const files = patient({ name: 'P' });
    const copy = files.find((f) => f.path === 'P/PATIENT_DICOM/image_4') as DropFile;
    const p = patientOf(await scan(await onDisk('copied', [...files, { path: 'P/PATIENT_DICOM/image_4 (copy)', bytes: copy.bytes }])), 'P');
    expect(plain(p.problems)).toEqual([
      {
        file: 'copied/P/PATIENT_DICOM/image_4 (copy)',
        message: 'PATIENT_DICOM: InstanceNumber 4 appears in both copied/P/PATIENT_DICOM/image_4 and copied/P/PATIENT_DICOM/image_4 (copy) (the same image twice); image_4 (copy) ignored',
        severity: 'warning',
      },
    ]);
  });

  it('gaps in the series are named by InstanceNumber and by spacing; the rest preprocesses', async () => {
    const files = patient({ name: 'P' }).filter((f) => !/PATIENT_DICOM\/image_(15|16|17)$/.test(f.path) && !/liver\/image_(15|16|17)$/.test(f.path));
    const dir = await onDisk('gaps', files);
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      { file: 'gaps/P/PATIENT_DICOM', message: 'slice spacing varies from 1.6 to 6.4 mm (missing slices?)', severity: 'warning' },
      { file: 'gaps/P/PATIENT_DICOM', message: 'PATIENT_DICOM: InstanceNumber 15–17 missing (3 slices): the series has gaps', severity: 'warning' },
    ]);
    expect(processed(await preprocess(dir, 'P')).meta.sliceCount).toBe(S - 3);
  });

  it('two series in one folder: the larger is kept and the other named', async () => {
    const other = patient({ name: 'P', slices: 6, seriesSeed: 'another series' })
      .filter((f) => f.path.includes('PATIENT_DICOM'))
      .map((f) => ({ ...f, path: f.path.replace('image_', 'scout_') }));
    const dir = await onDisk('two-series', [...patient({ name: 'P' }), ...other]);
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      {
        file: 'two-series/P/PATIENT_DICOM',
        message: expect.stringMatching(new RegExp(`^PATIENT_DICOM mixes 2 series: kept [\\d.]+ \\(${S} files\\), ignored series [\\d.]+ \\(6 files, e\\.g\\. scout_0\\)$`)),
        severity: 'warning',
      },
    ]);
    expect(p.ct.every((s) => s.file.includes('image_'))).toBe(true);
    expect(processed(await preprocess(dir, 'P')).meta.sliceCount).toBe(S);
  });
});

describe('issue 7 §1 faults: CT and masks that do not match', () => {
  it('a mask of another size than the CT: named by scan, and preprocessing refuses the patient saying why', async () => {
    const masks = patient({ name: 'P', rows: 24, columns: 24 }).filter((f) => f.path.includes('MASKS_DICOM'));
    const dir = await onDisk('mask-size', [...patient({ name: 'P' }).filter((f) => f.path.includes('PATIENT_DICOM')), ...masks]);
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      {
        file: 'mask-size/P/MASKS_DICOM/liver/image_0',
        message: `liver: mask is 24×24 but the CT is 32×32 (${S} of ${S} slices); those slices are ignored`,
        severity: 'error',
      },
    ]);
    expectFailure(await preprocess(dir, 'P'), 'mask-size/P/MASKS_DICOM/liver/image_0', 'liver: mask is 24×24 but the CT is 32×32');
  });

  it('fewer masks than CT slices: the missing numbers are named and those slices get empty masks', async () => {
    const files = patient({ name: 'P' }).filter((f) => !/liver\/image_(0|1|2)$/.test(f.path));
    const dir = await onDisk('fewer-masks', files);
    expect(plain(patientOf(await scan(dir), 'P').problems)).toEqual([
      { file: 'fewer-masks/P/MASKS_DICOM/liver', message: `liver: ${S - 3} mask slices for ${S} CT slices (no mask for InstanceNumber 0, 1, 2)`, severity: 'warning' },
    ]);
    const out = processed(await preprocess(dir, 'P'));
    expect([out.meta.sliceCount, out.meta.start, out.meta.end]).toEqual([S, 7, 22]);
  });

  it('more masks than CT slices: the masks without a CT slice are named and ignored', async () => {
    const files = patient({ name: 'P' }).filter((f) => !/PATIENT_DICOM\/image_(28|29)$/.test(f.path));
    const dir = await onDisk('more-masks', files);
    expect(plain(patientOf(await scan(dir), 'P').problems)).toEqual([
      { file: 'more-masks/P/MASKS_DICOM/liver', message: `liver: ${S} mask slices for ${S - 2} CT slices`, severity: 'warning' },
      {
        file: 'more-masks/P/MASKS_DICOM/liver/image_28',
        message: 'liver: 2 mask slice(s) have no CT slice with the same InstanceNumber (28, 29); ignored',
        severity: 'warning',
      },
    ]);
    expect(processed(await preprocess(dir, 'P')).meta.sliceCount).toBe(S - 2);
  });

  it('masks of 0/1 instead of 0/255: said so, and binarised exactly like 0/255 masks', async () => {
    const dir = await onDisk('mask-01', patient({ name: 'P', maskValue: 1 }));
    expect(plain(patientOf(await scan(dir), 'P').problems)).toEqual([
      {
        file: 'mask-01/P/MASKS_DICOM/liver/image_7',
        message: 'liver: mask values other than 0 and 255 (1) in 16 of 30 slices; every non-zero value is taken as liver',
        severity: 'warning',
      },
    ]);
    const reference = await onDisk('mask-255', patient({ name: 'P' }));
    expect(processed(await preprocess(dir, 'P')).masks).toEqual(processed(await preprocess(reference, 'P')).masks);
  });

  it('masks with several labels (e.g. 1, 2, 128) are reported with the values found', async () => {
    const labels = [255, 1, 2, 128];
    const dir = await onDisk('mask-labels', patient({ name: 'P', maskValue: (k, i) => (k === 12 ? labels[i % 4] : 255) }));
    expect(plain(patientOf(await scan(dir), 'P').problems)).toEqual([
      {
        file: 'mask-labels/P/MASKS_DICOM/liver/image_12',
        message: 'liver: mask values other than 0 and 255 (1, 2, 128) in 1 of 30 slices; every non-zero value is taken as liver',
        severity: 'warning',
      },
    ]);
    expect(new Set(processed(await preprocess(dir, 'P')).masks)).toEqual(new Set([0, 1]));
  });
});

describe('issue 7 §1 faults: patients preprocessing cannot use', () => {
  it('a patient without the chosen organ: scan lists the organs it has; preprocessing caches the whole scan, without ground truth', async () => {
    const dir = await onDisk('no-liver', patient({ name: 'P', organ: 'bone' }));
    const p = patientOf(await scan(dir), 'P');
    expect(p.organs.map((o) => o.organ)).toEqual(['bone']);
    expect(p.usable).toBe(true);
    const whole = processed(await preprocess(dir, 'P'));
    expect(whole.meta).toMatchObject({ groundTruth: false, keptFrom: 0, keptTo: p.ct.length - 1, kept: p.ct.length, start: -1, end: -1 });
    expect(whole.masks.every((v) => v === 0)).toBe(true);
    expect(whole.images.some((v) => v > 0)).toBe(true);
    const bone = processed(await preprocess(dir, 'P', { organ: 'bone' }));
    expect(bone.meta.kept).toBe(KEPT);
    expect(bone.meta.groundTruth).toBeUndefined();
  });

  it('an all-zero mask: scan shows no organ range; preprocessing reports the empty mask', async () => {
    const dir = await onDisk('all-zero', patient({ name: 'P', organRange: null }));
    const p = patientOf(await scan(dir), 'P');
    expect(p.organs[0].nonEmptyRange).toBeNull();
    expectFailure(await preprocess(dir, 'P'), 'P', 'the liver mask is empty on every slice');
  });

  it('a single-slice series is flagged by scan and refused by preprocessing with the reason', async () => {
    const dir = await onDisk('one-slice', syntheticFiles({ name: 'P', slices: 1, organRange: [0, 0] }));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      {
        file: 'one-slice/P/PATIENT_DICOM',
        message: 'PATIENT_DICOM holds a single slice: too few for a volume; preprocessing drops a margin of slices at each end of the organ',
        severity: 'warning',
      },
    ]);
    expectFailure(
      await preprocess(dir, 'P'),
      'P',
      'too few slices: the liver spans slices 0..0; dropping 5 at each end (keep 5..-6) leaves nothing',
    );
  });

  it('an organ so short that start+5 > end−5 is refused with the slices it spans', async () => {
    const dir = await onDisk('short-organ', patient({ name: 'P', organRange: [10, 17] }));
    expectFailure(
      await preprocess(dir, 'P'),
      'P',
      'too few slices: the liver spans slices 10..17; dropping 5 at each end (keep 15..11) leaves nothing',
    );
    expect(processed(await preprocess(dir, 'P', { margin: 2 })).meta.kept).toBe(3);
  });

  it('in one drop, the bad patients are reported and the good one still preprocesses', async () => {
    const dir = await onDisk('mixed-drop', [
      ...patient({ name: 'Good' }),
      ...patient({ name: 'NoLiver', organ: 'bone' }),
      ...patient({ name: 'Empty', organRange: null }),
      ...patient({ name: 'Short', organRange: [10, 17] }),
    ]);
    const result = await scan(dir);
    expect(result.patients.map((p) => [p.name, p.usable])).toEqual([
      ['Empty', true],
      ['Good', true],
      ['NoLiver', true],
      ['Short', true],
    ]);
    const outcomes = await Promise.all(result.patients.map((p) => preprocess(dir, p.name)));
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.problem.message))).toEqual([
      'the liver mask is empty on every slice',
      'ok',
      'ok', // no liver mask: cached whole, without ground truth
      'too few slices: the liver spans slices 10..17; dropping 5 at each end (keep 15..11) leaves nothing',
    ]);
  });
});
