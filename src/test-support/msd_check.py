#!/usr/bin/python3
"""Reads an exported MSD folder back with nibabel and compares it with the DICOM it came from, read
with pydicom: for every pixel of every CT slice, the voxel the NIfTI affine puts at that pixel's
DICOM position (ImagePositionPatient + ImageOrientationPatient + PixelSpacing, LPS -> RAS) must hold
the pixel's HU (pixel_array * RescaleSlope + RescaleIntercept), and the label voxel there must be 1
exactly where the organ's mask is > 0. For src/cli/exportMsd.test.ts (tests only).

usage: msd_check.py OUT_DIR PATIENT_DIR...   (PATIENT_DIR holds PATIENT_DICOM.zip and MASKS_DICOM.zip)
prints one JSON object: dataset.json's fields and, per case, shapes, dtypes and mismatch counts."""
import io, json, os, sys, zipfile
import numpy as np, nibabel as nib, pydicom

out, patient_dirs = sys.argv[1], sys.argv[2:]
ds = json.load(open(os.path.join(out, 'dataset.json')))
organ = [k for k, v in ds['labels'].items() if v == 1][0]
by_name = {os.path.basename(p.rstrip('/')): p for p in patient_dirs}
cases = []
for entry in ds['liverlab']['cases']:
    case, patient = entry['case'], entry['patient']
    img = nib.load(os.path.join(out, 'imagesTr', case + '_0000' + ds['file_ending']))
    lab = nib.load(os.path.join(out, 'labelsTr', case + ds['file_ending']))
    data, labels = np.asanyarray(img.dataobj), np.asanyarray(lab.dataobj)
    inv = np.linalg.inv(img.affine)
    ct = zipfile.ZipFile(os.path.join(by_name[patient], 'PATIENT_DICOM.zip'))
    masks = zipfile.ZipFile(os.path.join(by_name[patient], 'MASKS_DICOM.zip'))
    seen, hu_mismatch, label_mismatch, off_grid, organ_voxels = set(), 0, 0, 0.0, 0
    for name in ct.namelist():
        d = pydicom.dcmread(io.BytesIO(ct.read(name)))
        hu = d.pixel_array.astype(np.float64) * float(d.RescaleSlope) + float(d.RescaleIntercept)
        ipp = np.array(d.ImagePositionPatient, float)
        iop = np.array(d.ImageOrientationPatient, float)
        dr, dc = (float(v) for v in d.PixelSpacing)
        r, c = np.mgrid[0:d.Rows, 0:d.Columns]
        lps = ipp + c[..., None] * dc * iop[:3] + r[..., None] * dr * iop[3:]
        ras = lps * np.array([-1.0, -1.0, 1.0])
        f = ras @ inv[:3, :3].T + inv[:3, 3]
        ijk = np.rint(f).astype(int)
        off_grid = max(off_grid, float(np.abs(f - ijk).max()))
        seen.update(np.unique(ijk[..., 2]).tolist())
        at = (ijk[..., 0], ijk[..., 1], ijk[..., 2])
        hu_mismatch += int(np.count_nonzero(data[at] != hu))
        mask = pydicom.dcmread(io.BytesIO(masks.read(name.replace('PATIENT_DICOM/', 'MASKS_DICOM/%s/' % organ)))).pixel_array > 0
        organ_voxels += int(mask.sum())
        label_mismatch += int(np.count_nonzero(labels[at] != mask))
    cases.append({
        'case': case, 'patient': patient, 'shape': list(img.shape), 'dtype': str(img.get_data_dtype()),
        'labelShape': list(lab.shape), 'labelDtype': str(lab.get_data_dtype()), 'labelValues': sorted(int(v) for v in np.unique(labels)),
        'sameAffine': bool(np.allclose(img.affine, lab.affine)), 'axcodes': ''.join(nib.aff2axcodes(img.affine)),
        'zooms': [float(z) for z in img.header.get_zooms()], 'slicesSeen': len(seen), 'slicesInZip': len(ct.namelist()),
        'maxOffGrid': off_grid, 'huMismatch': hu_mismatch, 'labelMismatch': label_mismatch, 'organVoxels': organ_voxels,
    })
print(json.dumps({'channel_names': ds['channel_names'], 'labels': ds['labels'], 'numTraining': ds['numTraining'],
                  'file_ending': ds['file_ending'], 'licence': ds.get('licence'), 'reference': ds.get('reference'),
                  'training': ds.get('training'), 'cases': cases}))
