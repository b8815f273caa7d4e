#!/usr/bin/python3
"""The cluster round trip, small enough for a CPU: trains the reference UNet (imported from
../shared/tools/torch_unet_step.py) on a LiverLab MSD export (`npm run cli -- export-msd`), exports
it as ONNX with its LiverLab sidecar, and prints PyTorch's own Dice of that model on a held-out case,
for the CLI and the app to reproduce with the .onnx (`cli segment --model model.onnx`).

Preprocessing is the reference's (imported from ../shared/tools/seed_pipeline.py): HU window
W500/L150 to uint8, CLAHE clip 2 on 8x8 tiles (OpenCV), /255 — what the sidecar tells LiverLab.
Training slices are the organ's kept range of the training case (first+5 .. last-6, as LiverLab
caches them), resized to SIZE^2 (bilinear, half-pixel centres, as LiverLab resizes).

Debian: apt-get install python3-torch python3-nibabel python3-opencv python3-pydicom.
usage: onnx_round_trip.py MSD_DIR OUT_DIR [--train 3Dircadb1_17] [--test 3Dircadb1_1]
                          [--size 128] [--base 8] [--epochs 20] [--batch 8] [--lr 1e-3] [--seed 0] [--threads 1]
Writes OUT_DIR/model.onnx and OUT_DIR/model.liverlab.json; prints one JSON line:
{"dice","diceKept","keptFrom","keptTo","slices","epochs","trainSeconds","torchMsPerSlice",...}
`dice` is over every slice of the test case (what `cli segment` computes); `diceKept` over its kept
range (what the app computes on the cached patient).

On a GPU machine: the same script runs there unchanged (it uses CUDA when torch sees it); for a
full-size model raise --size 512 --base 32 --epochs 500, and train on every exported case.
"""
import argparse, json, os, sys, time
import numpy as np
import nibabel as nib
import cv2
import torch
import torch.nn.functional as F

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'tools')
sys.path.insert(0, TOOLS)
from torch_unet_step import UNet, dice_loss  # noqa: E402  (the reference UNet, not a copy)
from seed_pipeline import transform_ctdata  # noqa: E402  (the reference window)

WINDOW = {'width': 500, 'center': 150}
CLAHE = {'clipLimit': 2.0, 'tiles': [8, 8]}
MARGIN = 5


def load_case(msd, case, file_ending):
    """(slices, rows, columns) HU int16 and 0/1 labels: NIfTI voxel (i, j, k) is column i, row j of slice k."""
    image = np.asanyarray(nib.load(os.path.join(msd, 'imagesTr', case + '_0000' + file_ending)).dataobj)
    label = np.asanyarray(nib.load(os.path.join(msd, 'labelsTr', case + file_ending)).dataobj)
    return image.transpose(2, 1, 0).astype(np.int16), label.transpose(2, 1, 0).astype(np.uint8)


def preprocess(hu):
    clahe = cv2.createCLAHE(clipLimit=CLAHE['clipLimit'], tileGridSize=tuple(CLAHE['tiles']))
    windowed = transform_ctdata(hu.astype(np.float64), WINDOW['width'], WINDOW['center'])
    return np.stack([clahe.apply(s) for s in windowed])


def kept_range(labels):
    nz = np.where(labels.reshape(labels.shape[0], -1).any(axis=1))[0]
    return int(nz[0]) + MARGIN, int(nz[-1]) - MARGIN - 1


def resize(t, size, mode='bilinear'):
    return F.interpolate(t, size=size, mode=mode, align_corners=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('msd')
    ap.add_argument('out')
    ap.add_argument('--train', default='3Dircadb1_17')
    ap.add_argument('--test', default='3Dircadb1_1')
    ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--base', type=int, default=8)
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)  # tiny activations late in training otherwise slow the CPU's convolutions many times over
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    ending = json.load(open(os.path.join(a.msd, 'dataset.json')))['file_ending']

    hu, labels = load_case(a.msd, a.train, ending)
    lo, hi = kept_range(labels)
    x = torch.tensor(preprocess(hu[lo:hi + 1]), dtype=torch.float32)[:, None] / 255
    y = torch.tensor(labels[lo:hi + 1], dtype=torch.float32)[:, None]
    x, y = resize(x, a.size), resize(y, a.size)

    net = UNet(a.base).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    t0 = time.time()
    for epoch in range(a.epochs):
        net.train()
        order = torch.randperm(x.shape[0])
        total = 0.0
        for i in range(0, len(order), a.batch):
            b = order[i:i + a.batch]
            opt.zero_grad()
            loss = dice_loss(y[b].to(device), net(x[b].to(device)))
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        print(f'epoch {epoch + 1}/{a.epochs}: loss {total / len(order):.4f} ({time.time() - t0:.0f} s)', file=sys.stderr, flush=True)
    train_seconds = time.time() - t0

    net.eval().cpu()
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, 'model.onnx')
    torch.onnx.export(net, torch.zeros(1, 1, a.size, a.size), onnx_path, input_names=['image'], output_names=['probability'],
                      dynamic_axes={'image': {0: 'batch'}, 'probability': {0: 'batch'}}, opset_version=13)
    sidecar = {'inputSize': a.size, 'window': WINDOW, 'clahe': CLAHE, 'scale': 1 / 255, 'output': 'probability', 'threshold': 0.5, 'layout': 'NCHW'}
    sidecar_path = os.path.join(a.out, 'model.liverlab.json')
    with open(sidecar_path, 'w') as f:
        json.dump(sidecar, f, indent=2)

    hu, labels = load_case(a.msd, a.test, ending)
    images = torch.tensor(preprocess(hu), dtype=torch.float32)[:, None] / 255
    t1 = time.time()
    with torch.no_grad():
        probs = torch.cat([resize(net(resize(images[i:i + 4], a.size)), hu.shape[1:]) for i in range(0, images.shape[0], 4)])
    ms = (time.time() - t1) * 1000 / images.shape[0]
    pred = (probs[:, 0] >= sidecar['threshold']).numpy()
    truth = labels.astype(bool)
    lo, hi = kept_range(labels)

    def dice(p, t):
        s = p.sum() + t.sum()
        return 1.0 if s == 0 else float(2 * np.logical_and(p, t).sum() / s)

    print(json.dumps({'dice': round(dice(pred, truth), 4), 'diceKept': round(dice(pred[lo:hi + 1], truth[lo:hi + 1]), 4), 'keptFrom': lo, 'keptTo': hi,
                      'slices': int(hu.shape[0]), 'train': a.train, 'test': a.test, 'size': a.size, 'base': a.base, 'epochs': a.epochs,
                      'trainSlices': int(x.shape[0]), 'trainSeconds': round(train_seconds, 1), 'torchMsPerSlice': round(ms, 1), 'device': device,
                      'onnx': onnx_path, 'onnxBytes': os.path.getsize(onnx_path), 'sidecar': sidecar_path}))


if __name__ == '__main__':
    main()
