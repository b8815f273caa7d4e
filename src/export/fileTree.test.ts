// The streamed zip as nnU-Net users unpack it: every file whole and in order, a .nii.gz stored as it
// is (already compressed) and dataset.json deflated, the bytes handed to the sink as they are made
// (no file waits whole in memory), and an abort that reaches the sink so a half-written zip is
// discarded. Read back with fflate's own unzip (and a CRC check of each entry).
import { unzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { textChunks, zipFileTree, type ByteSink } from './fileTree';

function memorySink() {
  const chunks: Uint8Array[] = [];
  const state = { closed: false, aborted: false, writes: 0 };
  const sink: ByteSink = {
    async write(chunk) {
      chunks.push(chunk.slice());
      state.writes++;
    },
    async close() {
      state.closed = true;
    },
    async abort() {
      state.aborted = true;
    },
  };
  const bytes = () => {
    const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  };
  return { sink, state, bytes };
}

describe('zipFileTree', () => {
  it('streams files into one zip that unzips to the same bytes; .gz stored, text deflated', async () => {
    const { sink, state, bytes } = memorySink();
    const zip = zipFileTree(sink);
    const volume = gzipSync(Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
    const parts = [volume.subarray(0, 1000), volume.subarray(1000, 50_000), volume.subarray(50_000)];
    let writesBeforeEnd = -1;
    await zip.writeFile('imagesTr/case_0000.nii.gz', (async function* () {
      for (const p of parts) yield p;
      writesBeforeEnd = state.writes;
    })());
    expect(writesBeforeEnd, 'chunks reach the sink while the file is still being written').toBeGreaterThan(1);
    await zip.writeFile('dataset.json', textChunks('{"numTraining": 1}\n'.repeat(50)));
    await zip.close();
    expect(state.closed).toBe(true);
    const zipped = bytes();
    const files = unzipSync(zipped);
    expect(Object.keys(files)).toEqual(['imagesTr/case_0000.nii.gz', 'dataset.json']);
    expect(files['imagesTr/case_0000.nii.gz']).toEqual(volume);
    expect(new TextDecoder().decode(files['dataset.json'])).toBe('{"numTraining": 1}\n'.repeat(50));
    const view = new DataView(zipped.buffer);
    expect(view.getUint16(8, true), 'the .nii.gz is stored (method 0)').toBe(0);
  });

  it('aborting reaches the sink (a picked file is then left as it was)', async () => {
    const { sink, state } = memorySink();
    const zip = zipFileTree(sink);
    await zip.writeFile('imagesTr/a_0000.nii.gz', [new Uint8Array(10)]);
    await zip.abort();
    expect(state).toMatchObject({ aborted: true, closed: false });
  });
});
