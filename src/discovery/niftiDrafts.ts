// NIfTI files in a drop, as series drafts: a CT volume is a CT series (its header only is read: a few
// KB of a .nii.gz), a label volume the liver's masks (read whole: its voxels > 0 are the liver). A
// label pairs with its CT by name — LiTS `volume-N` / `segmentation-N`, the Medical Segmentation
// Decathlon's `imagesTr/x` / `labelsTr/x` (nnU-Net's `x_0000` too), or `x` / `x_seg` (`_label`,
// `_mask`) side by side — and only if it has the CT's shape and affine; otherwise it is an error
// naming the label file, and the CT stays a patient without ground truth.
// Pure: no DOM, no Node APIs.
import { foregroundRuns } from '../common/maskRuns';
import { error } from '../common/problems';
import { checkLength, readNiftiHeader, readNiftiVolume, type NiftiHeader } from '../nifti/readNifti';
import type { Problem } from '../common/types';
import type { CtDraft, MaskDraft, MaskRecord } from './buildPatient';
import { axialLayout, labelMismatch, niftiSliceHeader, niftiSliceHeaders, niftiSlicePixels } from './niftiSeries';

/** What a NIfTI file is, from its path: a CT volume or a label volume, the pair it belongs to, the patient's name. */
export interface NiftiRole {
  kind: 'image' | 'label';
  pairKey: string;
  name: string;
}

const LABEL_SUFFIX = /[_.-](seg|segmentation|label|labels|mask)$/i;

export function niftiRole(path: string): NiftiRole {
  const segments = path.split('/');
  const base = segments[segments.length - 1].replace(/\.nii(\.gz)?$/i, '');
  const folder = segments.slice(0, -1).join('/');
  const parent = segments[segments.length - 2] ?? '';
  const lits = /^(volume|segmentation)-(\d+)$/i.exec(base);
  if (lits) return { kind: lits[1].toLowerCase() === 'volume' ? 'image' : 'label', pairKey: `${folder}/lits-${Number(lits[2])}`, name: `volume-${Number(lits[2])}` };
  const msd = /^(images|labels)T[rs]$/i.exec(parent);
  if (msd) {
    const stem = base.replace(/_0000$/, '');
    return { kind: msd[1].toLowerCase() === 'images' ? 'image' : 'label', pairKey: `${segments.slice(0, -2).join('/')}/msd-${stem}`, name: stem };
  }
  const stem = base.replace(LABEL_SUFFIX, '');
  return { kind: stem === base ? 'image' : 'label', pairKey: `${folder}/${stem}`, name: stem };
}

/** Gathers a drop's NIfTI files, then hands out their drafts (`finish`). */
export class NiftiDrafts {
  private readonly images = new Map<string, { header: NiftiHeader; draft: CtDraft }>();
  private readonly labels = new Map<string, { path: string; header: NiftiHeader; draft: MaskDraft }>();
  /** Files that are not volumes LiverLab can read, and labels with no CT: they belong to no patient. */
  readonly problems: Problem[] = [];

  /** Only a CT volume's header is needed; a label volume is read whole. */
  static headOnly(path: string): boolean {
    return niftiRole(path).kind === 'image';
  }

  /** Takes a file (`size`: its whole size when `bytes` is only its start); 'again' when the whole file must be read. */
  take(path: string, bytes: Uint8Array, size?: number): 'again' | void {
    const role = niftiRole(path);
    const at = { folder: path, patientFolder: `nifti:${role.pairKey}`, folderName: role.name, problems: [], bytes: size ?? bytes.length, format: 'nifti' as const };
    if (role.kind === 'image') {
      const read = readNiftiHeader(bytes, path, size === undefined);
      if (read === null) return 'again';
      // An uncompressed file's size says whether it holds its voxels, without reading them.
      const header = read.ok && size !== undefined && !/\.gz$/i.test(path) ? checkLength(read.value, size, path) : read;
      if (!header.ok) return void this.problems.push(header.problem);
      const records = niftiSliceHeaders(header.value, 'ct').map((h) => ({ file: path, header: h }));
      this.images.set(role.pairKey, { header: header.value, draft: { ...at, records } });
      return;
    }
    if (size !== undefined) return 'again';
    const volume = readNiftiVolume(bytes, path);
    if (!volume.ok) return void this.problems.push(volume.problem);
    const layout = axialLayout(volume.value);
    const records: MaskRecord[] = [];
    for (let s = 0; s < layout.slices; s++) {
      const pixels = niftiSlicePixels(volume.value, layout, s, 'label');
      const foreground = foregroundRuns(pixels);
      records.push({ file: path, header: niftiSliceHeader(layout, s, 'label'), nonEmpty: foreground.length > 0, oddValues: [], foreground });
    }
    const { voxels: _voxels, ...header } = volume.value;
    this.labels.set(role.pairKey, { path, header, draft: { ...at, organ: 'liver', records } });
  }

  /** The CT drafts, and the label drafts that fit their CT (the others are problems: on their CT, or of the drop). */
  finish(): { cts: CtDraft[]; masks: MaskDraft[] } {
    const masks: MaskDraft[] = [];
    for (const [key, label] of this.labels) {
      const image = this.images.get(key);
      if (!image) {
        this.problems.push(error(label.path, 'label volume with no CT volume of the same name in the drop (LiTS volume-N, imagesTr/…): not used'));
        continue;
      }
      const mismatch = labelMismatch(image.header, label.header);
      if (mismatch) image.draft.problems.push(error(label.path, `label volume has ${mismatch}; not used as ground truth`));
      else masks.push(label.draft);
    }
    return { cts: [...this.images.values()].map((image) => image.draft), masks };
  }
}
