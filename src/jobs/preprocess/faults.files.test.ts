// Issue 7 §1, ingest half (empty, non-DICOM, truncated and malformed files; valid but unusual encodings): bad input a clinician's export can hold, written as real
// files to a temp folder and run through the same core the browser workers and the CLI use —
// scanPatients (scan worker, `inspect`) and runPreprocessJob (preprocess worker, `preprocess`,
// `train`). Each case asserts the message the user reads (naming the file and the problem) and
// what is kept: the other slices and patients go on. (What the cache keeps is asserted in a real
// browser by e2e/faults.spec.ts: Node has no IndexedDB.)
import { describe, expect, it } from 'vitest';
import { bodyOf, relabelVr, rgbImage, withBodyOf, type DropFile } from '../../test-support/faultFixtures';
import { KEPT, S, mapFiles, onDisk, patient, patientOf, plain, preprocess, processed, replaceFile, scan, tempDropFolder } from '../../test-support/faultDrops';

tempDropFolder();

describe('issue 7 §1 faults: empty and non-DICOM files', () => {
  it('an empty CT file is named; the other 29 slices load and preprocess', async () => {
    const dir = await onDisk('empty-ct', replaceFile(patient({ name: 'P' }), 'P/PATIENT_DICOM/image_9', new Uint8Array(0)));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toContainEqual({ file: 'empty-ct/P/PATIENT_DICOM/image_9', message: 'empty file', severity: 'error' });
    expect(p.usable).toBe(true);
    expect(p.ct).toHaveLength(S - 1);
    expect(processed(await preprocess(dir, 'P')).meta.sliceCount).toBe(S - 1);
  });

  it('an empty mask file is named, and the CT slice it belonged to says it has no mask', async () => {
    const dir = await onDisk('empty-mask', replaceFile(patient({ name: 'P' }), 'P/MASKS_DICOM/liver/image_3', new Uint8Array(0)));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      { file: 'empty-mask/P/MASKS_DICOM/liver/image_3', message: 'empty file', severity: 'error' },
      { file: 'empty-mask/P/MASKS_DICOM/liver', message: `liver: ${S - 1} mask slices for ${S} CT slices (no mask for InstanceNumber 3)`, severity: 'warning' },
    ]);
    expect(processed(await preprocess(dir, 'P')).meta.kept).toBe(KEPT);
  });

  it('an empty zip is named as not a zip', async () => {
    const dir = await onDisk('empty-zip', [...patient({ name: 'P' }), { path: 'Q.zip', bytes: new Uint8Array(0) }]);
    const result = await scan(dir);
    expect(plain(result.problems)).toEqual([{ file: 'empty-zip/Q.zip', message: 'empty file, not a zip', severity: 'error' }]);
    expect(patientOf(result, 'P').problems).toEqual([]);
  });

  it('a text file in a series folder is not DICOM; the series still loads', async () => {
    const files = [...patient({ name: 'P' }), { path: 'P/PATIENT_DICOM/README.txt', bytes: new TextEncoder().encode('exported by hand\n') }];
    const p = patientOf(await scan(await onDisk('text', files)), 'P');
    expect(plain(p.problems)).toEqual([{ file: 'text/P/PATIENT_DICOM/README.txt', message: 'not a DICOM file', severity: 'error' }]);
    expect(p.ct).toHaveLength(S);
  });

  it('a PNG saved under a slice name is not DICOM', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...new Array(200).fill(7)]);
    const dir = await onDisk('png', replaceFile(patient({ name: 'P' }), 'P/PATIENT_DICOM/image_12', png));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toContainEqual({ file: 'png/P/PATIENT_DICOM/image_12', message: 'not a DICOM file', severity: 'error' });
    expect(p.ct).toHaveLength(S - 1);
  });

  it('a patient whose CT folder holds only non-DICOM files is unusable, and says why', async () => {
    const files = patient({ name: 'P' }).map((f) => (f.path.includes('PATIENT_DICOM') ? { ...f, bytes: new TextEncoder().encode('x'.repeat(300)) } : f));
    const p = patientOf(await scan(await onDisk('all-bad', files)), 'P');
    expect(p.usable).toBe(false);
    expect(plain(p.problems).slice(0, 2)).toEqual([
      { file: 'all-bad/P/PATIENT_DICOM', message: `no readable CT slice (${S} unreadable files)`, severity: 'error' },
      { file: 'all-bad/P/PATIENT_DICOM/image_0', message: `not a DICOM file (and ${S - 1} more files)`, severity: 'error' },
    ]);
  });
});

describe('issue 7 §1 faults: truncated and malformed DICOM', () => {
  it('truncated CT pixel data is named with the bytes found and expected', async () => {
    const files = patient({ name: 'P' });
    const cut = files.find((f) => f.path === 'P/PATIENT_DICOM/image_14') as DropFile;
    const dir = await onDisk('truncated', replaceFile(files, cut.path, cut.bytes.subarray(0, cut.bytes.length - 700)));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)[0]).toEqual({
      file: 'truncated/P/PATIENT_DICOM/image_14',
      message: 'truncated: pixel data has 1348 bytes, expected 2048',
      severity: 'error',
    });
    expect(p.ct).toHaveLength(S - 1);
    expect(processed(await preprocess(dir, 'P')).meta.sliceCount).toBe(S - 1);
  });

  it('a truncated mask slice is named; its CT slice gets an empty mask rather than a half-read one', async () => {
    const files = patient({ name: 'P' });
    const cut = files.find((f) => f.path === 'P/MASKS_DICOM/liver/image_22') as DropFile;
    const dir = await onDisk('truncated-mask', replaceFile(files, cut.path, cut.bytes.subarray(0, cut.bytes.length - 10)));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)[0]).toEqual({
      file: 'truncated-mask/P/MASKS_DICOM/liver/image_22',
      message: 'truncated: pixel data has 1014 bytes, expected 1024',
      severity: 'error',
    });
    // Slice 22 was the liver's last: without it the range ends at 21.
    expect(p.organs[0].nonEmptyRange).toEqual([7, 21]);
    expect(processed(await preprocess(dir, 'P')).meta.end).toBe(21);
  });

  it('a file cut inside its header is named as a corrupt or truncated header', async () => {
    const files = patient({ name: 'P' });
    const cut = files.find((f) => f.path === 'P/PATIENT_DICOM/image_2') as DropFile;
    const p = patientOf(await scan(await onDisk('cut-header', replaceFile(files, cut.path, cut.bytes.subarray(0, 300)))), 'P');
    expect(plain(p.problems)[0]).toEqual({
      file: 'cut-header/P/PATIENT_DICOM/image_2',
      message: expect.stringMatching(/^corrupt or truncated DICOM header \(.+\)$/),
      severity: 'error',
    });
    expect(p.ct).toHaveLength(S - 1);
  });

  it('a wrong VR label with the same length encoding (Rows SS, InstanceNumber LO, PixelSpacing LO) is read as meant', async () => {
    const files = mapFiles(patient({ name: 'P' }), /PATIENT_DICOM/, (b) =>
      relabelVr(relabelVr(relabelVr(b, 0x0028, 0x0010, 'SS'), 0x0020, 0x0013, 'LO'), 0x0028, 0x0030, 'LO'),
    );
    const dir = await onDisk('wrong-vr-tolerated', files);
    const p = patientOf(await scan(dir), 'P');
    expect(p.problems).toEqual([]);
    expect([p.rows, p.columns, p.spacing?.[0]]).toEqual([32, 32, 0.75]);
    const reference = await onDisk('wrong-vr-reference', patient({ name: 'P' }));
    expect(processed(await preprocess(dir, 'P')).images).toEqual(processed(await preprocess(reference, 'P')).images);
  });

  it('a wrong VR that changes how lengths are encoded (BitsAllocated as OB) is named as a corrupt header', async () => {
    const files = patient({ name: 'P' });
    const at = 'P/PATIENT_DICOM/image_20';
    const bad = relabelVr((files.find((f) => f.path === at) as DropFile).bytes, 0x0028, 0x0100, 'OB');
    const p = patientOf(await scan(await onDisk('wrong-vr-length', replaceFile(files, at, bad))), 'P');
    expect(plain(p.problems)[0]).toEqual({
      file: 'wrong-vr-length/P/PATIENT_DICOM/image_20',
      message: expect.stringMatching(/^corrupt or truncated DICOM header \(.*buffer overrun\)$/),
      severity: 'error',
    });
    expect(p.ct).toHaveLength(S - 1);
  });

  it('implicit-VR data labelled explicit VR (VRs missing where the syntax promises them) is named, not misread', async () => {
    const explicit = patient({ name: 'P' });
    const implicit = patient({ name: 'P', transferSyntax: 'implicitLE' });
    const at = 'P/PATIENT_DICOM/image_5';
    const body = bodyOf((implicit.find((f) => f.path === at) as DropFile).bytes);
    const mislabelled = withBodyOf((explicit.find((f) => f.path === at) as DropFile).bytes, body);
    const p = patientOf(await scan(await onDisk('implicit-as-explicit', replaceFile(explicit, at, mislabelled))), 'P');
    expect(plain(p.problems)[0]).toEqual({
      file: 'implicit-as-explicit/P/PATIENT_DICOM/image_5',
      message: expect.stringMatching(/^corrupt or truncated DICOM header \(/),
      severity: 'error',
    });
    expect(p.ct).toHaveLength(S - 1);
  });
});

describe('issue 7 §1 faults: encodings that are valid but unusual', () => {
  it('explicit VR big endian reads to the same pixels and the same preprocessed slices as little endian', async () => {
    const big = await onDisk('big-endian', patient({ name: 'P', transferSyntax: 'explicitBE' }));
    const little = await onDisk('little-endian', patient({ name: 'P' }));
    const p = patientOf(await scan(big), 'P');
    expect(p.problems).toEqual([]);
    expect(p.transferSyntaxUid).toBe('1.2.840.10008.1.2.2');
    const a = processed(await preprocess(big, 'P'));
    const b = processed(await preprocess(little, 'P'));
    expect(a.meta.kept).toBe(KEPT);
    expect(a.images).toEqual(b.images);
    expect(a.masks).toEqual(b.masks);
  });

  it('8-bit CT is read, said to be unusual, and still preprocessed', async () => {
    const dir = await onDisk('ct8', patient({ name: 'P', ctBits: 8 }));
    const p = patientOf(await scan(dir), 'P');
    expect(plain(p.problems)).toEqual([
      {
        file: 'ct8/P/PATIENT_DICOM',
        message:
          'CT has 8-bit pixels (BitsAllocated 8), not the usual 16: probably not Hounsfield units (a screenshot export?); the HU window may show little',
        severity: 'warning',
      },
    ]);
    const out = processed(await preprocess(dir, 'P'));
    expect(out.meta.kept).toBe(KEPT);
    expect(out.images.some((v) => v > 0)).toBe(true);
  });

  it('RGB images are refused by name; a CT folder of only RGB images makes the patient unusable', async () => {
    const files = patient({ name: 'P' }).filter((f) => !f.path.includes('PATIENT_DICOM'));
    for (let k = 0; k < S; k++) files.push({ path: `P/PATIENT_DICOM/image_${k}`, bytes: rgbImage('P', k, 32, 32) });
    const p = patientOf(await scan(await onDisk('rgb', files)), 'P');
    expect(p.usable).toBe(false);
    expect(plain(p.problems).slice(0, 2)).toEqual([
      { file: 'rgb/P/PATIENT_DICOM', message: `no readable CT slice (${S} unreadable files)`, severity: 'error' },
      { file: 'rgb/P/PATIENT_DICOM/image_0', message: `RGB / SamplesPerPixel 3 is not supported (and ${S - 1} more files)`, severity: 'error' },
    ]);
  });

  it('non-square slices (48 rows × 64 columns) are kept as they are through preprocessing', async () => {
    const dir = await onDisk('non-square', patient({ name: 'P', rows: 48, columns: 64 }));
    const p = patientOf(await scan(dir), 'P');
    expect(p.problems).toEqual([]);
    expect([p.rows, p.columns]).toEqual([48, 64]);
    const out = processed(await preprocess(dir, 'P'));
    expect([out.meta.height, out.meta.width, out.meta.kept]).toEqual([48, 64, KEPT]);
    expect(out.images).toHaveLength(KEPT * 48 * 64);
    expect(new Set(out.masks)).toEqual(new Set([0, 1]));
  });
});
