// Issue 7 §1, ingest half, in the real app: a messy export dropped next to an already cached dataset.
// Each problem must be named on screen (file and reason), the patients that can be used are cached,
// the ones that cannot are reported and leave nothing behind, and the earlier dataset is untouched
// byte for byte. Files are written with the same fixtures as src/discovery/faults.test.ts.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { test, expect, realPatient } from './fixtures';
import { storedSliceHashes, storedSummary, type StoredSummary } from './idb';
import {
  flipEntryByte,
  rgbImage,
  syntheticFiles,
  withoutInstanceNumber,
  zipOf,
  zipOfDeflated,
  type DropFile,
  type SyntheticPatientOptions,
} from '../src/test-support/faultFixtures';

const S = 30;
const patient = (opts: Partial<SyntheticPatientOptions> & { name: string }) => syntheticFiles({ slices: S, ...opts });

function writeDrop(files: DropFile[]): string {
  const root = join(mkdtempSync(join(tmpdir(), 'liverlab-faults-')), 'export');
  for (const f of files) {
    mkdirSync(join(root, dirname(f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  return root;
}

/** The demo dataset preprocessed and cached, with every stored slice's hash: the state that must survive. */
async function cacheDemo(page: Page): Promise<{ summary: StoredSummary; hashes: Map<string, { images: string[]; masks: string[] }> }> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(3);
  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  const summary = await storedSummary(page);
  const hashes = new Map<string, { images: string[]; masks: string[] }>();
  for (const p of summary.patients) hashes.set(p.key, await storedSliceHashes(page, p.key));
  await page.getByRole('button', { name: 'Clear list' }).click();
  return { summary, hashes };
}

/** The earlier dataset and its patients, slice for slice; and no slice in the store that no patient accounts for. */
async function expectCacheIntact(page: Page, before: Awaited<ReturnType<typeof cacheDemo>>): Promise<StoredSummary> {
  const after = await storedSummary(page);
  for (const d of before.summary.datasets) expect(after.datasets).toContainEqual(d);
  for (const p of before.summary.patients) {
    expect(after.patients).toContainEqual(p);
    expect(await storedSliceHashes(page, p.key)).toEqual(before.hashes.get(p.key));
  }
  expect(after.sliceCount).toBe(after.patients.reduce((sum, p) => sum + p.kept, 0));
  return after;
}

/** Opens a patient's problem list and returns its lines as shown. */
async function problemsOf(page: Page, name: string): Promise<string[]> {
  const row = page.locator(`[data-testid=patient-row][data-patient="${name}"]`);
  await row.locator('summary').click();
  const items = row.locator('ul.problems li');
  await expect(items.first()).toBeVisible();
  return items.allInnerTexts();
}

function preprocessLine(page: Page, name: string) {
  return page.locator(`[data-testid=preprocess-patient][data-patient="${name}"]`);
}

test('a messy export folder: every problem named on screen, usable patients cached, the earlier dataset untouched', async ({ page }) => {
  const before = await cacheDemo(page);

  const broken = patient({ name: 'Broken' }).flatMap((f) =>
    f.path === 'Broken/PATIENT_DICOM/image_3'
      ? [{ ...f, bytes: new Uint8Array(0) }]
      : f.path === 'Broken/PATIENT_DICOM/image_7'
        ? [{ ...f, bytes: f.bytes.subarray(0, f.bytes.length - 700) }]
        : [f],
  );
  broken.push({ path: 'Broken/PATIENT_DICOM/notes.txt', bytes: new TextEncoder().encode('exported by hand\n') });
  const unnumbered = patient({ name: 'Unnumbered' }).map((f) => ({ ...f, bytes: withoutInstanceNumber(f.bytes) }));
  const rgb = patient({ name: 'Colour' }).filter((f) => !f.path.includes('PATIENT_DICOM'));
  for (let k = 0; k < S; k++) rgb.push({ path: `Colour/PATIENT_DICOM/image_${k}`, bytes: rgbImage('Colour', k, 32, 32) });
  const maskSize = [
    ...patient({ name: 'MaskSize' }).filter((f) => f.path.includes('PATIENT_DICOM')),
    ...patient({ name: 'MaskSize', rows: 24, columns: 24 }).filter((f) => f.path.includes('MASKS_DICOM')),
  ];
  const unicode = 'Müller José 01';
  const root = writeDrop([
    ...patient({ name: 'Good' }),
    ...broken,
    ...unnumbered,
    ...rgb,
    ...patient({ name: 'NoLiver', organ: 'bone' }),
    ...patient({ name: 'EmptyMask', organRange: null }),
    ...patient({ name: 'Short', organRange: [10, 17] }),
    ...syntheticFiles({ name: 'OneSlice', slices: 1, organRange: [0, 0] }),
    ...maskSize,
    ...patient({ name: 'Labels', maskValue: 1 }),
    ...patient({ name: 'Wide', rows: 24, columns: 40 }),
    ...patient({ name: 'BigEndian', transferSyntax: 'explicitBE' }),
    ...patient({ name: 'EightBit', ctBits: 8 }),
    ...patient({ name: unicode }).map((f) => ({ ...f, path: f.path.replace(/image_(\d+)$/, 'slice $1 é.dcm') })),
  ]);

  await page.getByTestId('folder-input').setInputFiles(root);
  await expect(page.getByTestId('patient-row')).toHaveCount(14);

  // What the scan says, as shown in each patient's problem list.
  const brokenProblems = await problemsOf(page, 'Broken');
  expect(brokenProblems).toContainEqual('export/Broken/PATIENT_DICOM/image_3: empty file');
  expect(brokenProblems).toContainEqual('export/Broken/PATIENT_DICOM/image_7: truncated: pixel data has 1348 bytes, expected 2048');
  expect(brokenProblems).toContainEqual('export/Broken/PATIENT_DICOM/notes.txt: not a DICOM file');
  await expect(page.locator('[data-testid=patient-row][data-patient="Broken"] [data-testid=slices]')).toHaveText(String(S - 2));
  expect(await problemsOf(page, 'Unnumbered')).toContainEqual(
    `export/Unnumbered/PATIENT_DICOM: PATIENT_DICOM: ${S} of ${S} slices have no InstanceNumber; ordered and numbered by ImagePositionPatient`,
  );
  const colour = page.locator('[data-testid=patient-row][data-patient="Colour"]');
  await expect(colour.locator('summary')).toContainText('not usable');
  // The browser scans in several workers: which file is named first depends on how the drop was split.
  expect(await problemsOf(page, 'Colour')).toEqual([
    `export/Colour/PATIENT_DICOM: no readable CT slice (${S} unreadable files)`,
    expect.stringMatching(new RegExp(`^export/Colour/PATIENT_DICOM/image_\\d+: RGB / SamplesPerPixel 3 is not supported \\(and ${S - 1} more files\\)$`)),
  ]);
  expect(await problemsOf(page, 'MaskSize')).toContainEqual(
    `export/MaskSize/MASKS_DICOM/liver/image_0: liver: mask is 24×24 but the CT is 32×32 (${S} of ${S} slices); those slices are ignored`,
  );
  expect(await problemsOf(page, 'OneSlice')).toContainEqual(
    'export/OneSlice/PATIENT_DICOM: PATIENT_DICOM holds a single slice: too few for a volume; preprocessing drops a margin of slices at each end of the organ',
  );
  expect(await problemsOf(page, 'Labels')).toContainEqual(
    'export/Labels/MASKS_DICOM/liver/image_7: liver: mask values other than 0 and 255 (1) in 16 of 30 slices; every non-zero value is taken as liver',
  );
  expect(await problemsOf(page, 'EightBit')).toContainEqual(
    'export/EightBit/PATIENT_DICOM: CT has 8-bit pixels (BitsAllocated 8), not the usual 16: probably not Hounsfield units (a screenshot export?); the HU window may show little',
  );
  await expect(page.locator('[data-testid=patient-row][data-patient="Wide"] [data-testid=size]')).toHaveText('40×24');
  await expect(page.locator('[data-testid=patient-row][data-patient="EmptyMask"] [data-testid=liver-range]')).toHaveText('—');
  await expect(page.locator(`[data-testid=patient-row][data-patient="${unicode}"] [data-testid=slices]`)).toHaveText(String(S));
  await expect(page.getByRole('note').filter({ hasText: 'No liver mask for' })).toHaveText(
    'No liver mask for: NoLiver — cached whole (every slice) and marked “no ground truth”: they can be viewed and segmented, not trained on.',
  );

  // Preprocess everything usable: the unusable patients fail with their reason, the others are cached
  // (a scan without the organ's mask whole, marked without ground truth).
  await page.getByRole('button', { name: /Preprocess and cache 13 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  await expect(page.getByRole('region', { name: 'Preprocess' }).getByRole('alert')).toHaveCount(0);
  const failures: Record<string, string> = {
    EmptyMask: 'failed: the liver mask is empty on every slice',
    Short: 'failed: too few slices: the liver spans slices 10..17; dropping 5 at each end (keep 15..11) leaves nothing',
    OneSlice: 'failed: too few slices: the liver spans slices 0..0; dropping 5 at each end (keep 5..-6) leaves nothing',
    MaskSize: 'failed: liver: mask is 24×24 but the CT is 32×32',
  };
  for (const [name, message] of Object.entries(failures)) {
    await expect(preprocessLine(page, name)).toHaveAttribute('data-stage', 'failed');
    await expect(preprocessLine(page, name)).toContainText(message);
  }
  const cachedNames = ['Good', 'Broken', 'Unnumbered', 'Labels', 'Wide', 'BigEndian', 'EightBit', unicode, 'NoLiver'];
  for (const name of cachedNames) await expect(preprocessLine(page, name)).toHaveAttribute('data-stage', 'done');

  const after = await expectCacheIntact(page, before);
  const added = after.datasets.filter((d) => !before.summary.datasets.some((b) => b.id === d.id));
  expect(added).toHaveLength(1);
  expect([...added[0].patientNames].sort()).toEqual([...cachedNames].sort());
  for (const name of Object.keys(failures)) expect(after.patients.some((p) => p.name === name)).toBe(false);
  const stored = (name: string) => after.patients.find((p) => p.name === name);
  expect(stored('Wide')?.kept).toBe(5);
  expect([stored('NoLiver')?.groundTruth, stored('NoLiver')?.kept]).toEqual([false, S]);
  expect(stored(unicode)?.kept).toBe(5);
  // Broken lost CT slices 3 and 7 (the liver's first): its liver spans sorted slices 6..20, so 11..14 are kept.
  expect([stored('Broken')?.start, stored('Broken')?.end, stored('Broken')?.kept]).toEqual([6, 20, 4]);

  // After a reload the same: the earlier dataset, the new one, and nothing else.
  await page.reload();
  await expect(page.getByTestId('dataset-row')).toHaveCount(before.summary.datasets.length + 1);
  await expectCacheIntact(page, before);
});

test('bad zips dropped: a corrupt entry, a truncated zip, a zip bomb and Windows paths are named; the rest is cached', async ({ page }) => {
  const before = await cacheDemo(page);

  const crc = flipEntryByte(zipOf(patient({ name: 'Crc' }), '', 0), 'Crc/PATIENT_DICOM/image_8');
  const full = zipOf(patient({ name: 'Cut' }));
  const cut = full.subarray(0, Math.floor(full.length * 0.6));
  const windows = zipOf(patient({ name: 'Windows' }).map((f) => ({ ...f, path: f.path.replaceAll('/', '\\') })));
  // A real bomb: 300 MiB of zeros in 300 identical deflate blocks (~0.3 MB), over the default 256 MiB entry cap.
  const block = deflateRawSync(new Uint8Array(1 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const blocks = 300;
  const compressed = new Uint8Array(block.length * blocks + 2);
  let zerosCrc = 0;
  const zeros = new Uint8Array(1 << 20);
  for (let i = 0; i < blocks; i++) {
    compressed.set(block, i * block.length);
    zerosCrc = crc32(zeros, zerosCrc);
  }
  compressed.set([0x03, 0x00], block.length * blocks); // an empty final block
  const bomb = zipOfDeflated([{ name: 'Bomb/PATIENT_DICOM/image_0', compressed, size: blocks << 20, crc: zerosCrc }]);

  const files = [
    { name: 'Crc.zip', bytes: crc },
    { name: 'Cut.zip', bytes: cut },
    { name: 'Windows.zip', bytes: windows },
    { name: 'Bomb.zip', bytes: bomb },
    { name: 'Empty.zip', bytes: new Uint8Array(0) },
  ];
  await page.evaluate(async (list) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of list) dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'application/zip' }));
    document.querySelector('[data-testid=dropzone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files.map(({ name, bytes }) => ({ name, b64: Buffer.from(bytes).toString('base64') })));

  await expect(page.getByTestId('patient-row')).toHaveCount(4);
  expect(await problemsOf(page, 'Crc')).toContainEqual(
    expect.stringMatching(/^Crc\.zip: entry Crc\/PATIENT_DICOM\/image_8: corrupt data \(CRC-32 is [0-9a-f]{8}, the zip says [0-9a-f]{8}\)$/),
  );
  await expect(page.locator('[data-testid=patient-row][data-patient="Crc"] [data-testid=slices]')).toHaveText(String(S - 1));
  const cutProblems = await problemsOf(page, 'Cut');
  expect(cutProblems.filter((line) => line.startsWith('Cut.zip: '))).toEqual([
    expect.stringMatching(/^Cut\.zip: entry Cut\/(PATIENT_DICOM|MASKS_DICOM\/liver)\/image_\d+: (zip ends inside this entry, truncated\?|corrupt)/),
  ]);
  expect(await problemsOf(page, 'Bomb')).toContainEqual(
    'Bomb.zip: entry Bomb/PATIENT_DICOM/image_0: over the 256 MiB per-entry cap: inflates to 300 MiB (zip bomb?); skipped',
  );
  await expect(page.locator('[data-testid=patient-row][data-patient="Windows"] summary')).toHaveCount(0);
  await expect(page.locator('.drop-problems')).toContainText('Empty.zip: empty file, not a zip');

  await page.getByRole('button', { name: /Preprocess and cache 3 patients/ }).click();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  for (const name of ['Crc', 'Windows']) await expect(preprocessLine(page, name)).toHaveAttribute('data-stage', 'done');
  const after = await expectCacheIntact(page, before);
  expect(after.patients.find((p) => p.name === 'Windows')?.kept).toBe(5);
  expect(after.patients.some((p) => p.name === 'Bomb')).toBe(false);
});

test('a reload while a drop is still being read loses nothing cached, and the next drop works', async ({ page }) => {
  const before = await cacheDemo(page);
  await page.getByTestId('folder-input').setInputFiles(realPatient('3Dircadb1.17'));
  await expect(page.getByTestId('scan-status')).toContainText('Reading files…');
  await page.reload();
  await expect(page.getByTestId('dataset-row')).toHaveCount(before.summary.datasets.length);
  await expectCacheIntact(page, before);
  await page.getByTestId('folder-input').setInputFiles(writeDrop(patient({ name: 'After' })));
  await expect(page.locator('[data-testid=patient-row][data-patient="After"] [data-testid=slices]')).toHaveText(String(S));
});
