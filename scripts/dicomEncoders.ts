// Re-encodes DICOM files into compressed transfer syntaxes with standard encoders (Debian's dcmtk and
// gdcm tools), so tests can check LiverLab's decoders against files a real encoder wrote.
// Node only (test fixtures; `tsx scripts/dicomEncoders.ts <syntax> <in> <out>` by hand).
// Install the tools with `apt-get install dcmtk libgdcm-tools` (.ci/run does it when they are missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Encoding {
  /** Short name for test titles and file names. */
  id: string;
  transferSyntaxUid: string;
  lossless: boolean;
  /** Largest |decoded − original| the syntax allows, when the encoder guarantees one (JPEG-LS NEAR). */
  maxError?: number;
  tool: string;
  args(input: string, output: string): string[];
}

export const ENCODINGS: readonly Encoding[] = [
  { id: 'jpeg-lossless-sv1', transferSyntaxUid: '1.2.840.10008.1.2.4.70', lossless: true, tool: 'dcmcjpeg', args: (i, o) => ['+e1', i, o] },
  { id: 'jpeg-lossless-p14-sv6', transferSyntaxUid: '1.2.840.10008.1.2.4.57', lossless: true, tool: 'dcmcjpeg', args: (i, o) => ['+el', '+sv', '6', i, o] },
  { id: 'jpeg-lossless-gdcm', transferSyntaxUid: '1.2.840.10008.1.2.4.70', lossless: true, tool: 'gdcmconv', args: (i, o) => ['--jpeg', i, o] },
  { id: 'jpeg-ls-lossless', transferSyntaxUid: '1.2.840.10008.1.2.4.80', lossless: true, tool: 'dcmcjpls', args: (i, o) => ['+el', i, o] },
  { id: 'jpeg-ls-16k-fragments', transferSyntaxUid: '1.2.840.10008.1.2.4.80', lossless: true, tool: 'dcmcjpls', args: (i, o) => ['+el', '+fs', '16', i, o] },
  { id: 'jpeg-ls-gdcm', transferSyntaxUid: '1.2.840.10008.1.2.4.80', lossless: true, tool: 'gdcmconv', args: (i, o) => ['--jpegls', i, o] },
  // dcmcjpls refuses near-lossless for signed pixels; gdcm's CharLS encoder takes them.
  { id: 'jpeg-ls-near-2', transferSyntaxUid: '1.2.840.10008.1.2.4.81', lossless: false, maxError: 2, tool: 'gdcmconv', args: (i, o) => ['--jpegls', '--lossy', '-e', '2', i, o] },
  { id: 'jpeg-2000-lossless', transferSyntaxUid: '1.2.840.10008.1.2.4.90', lossless: true, tool: 'gdcmconv', args: (i, o) => ['--j2k', i, o] },
  { id: 'jpeg-2000-lossy-10to1', transferSyntaxUid: '1.2.840.10008.1.2.4.91', lossless: false, tool: 'gdcmconv', args: (i, o) => ['--j2k', '--lossy', '-r', '10', i, o] },
  { id: 'rle', transferSyntaxUid: '1.2.840.10008.1.2.5', lossless: true, tool: 'dcmcrle', args: (i, o) => [i, o] },
  { id: 'rle-gdcm', transferSyntaxUid: '1.2.840.10008.1.2.5', lossless: true, tool: 'gdcmconv', args: (i, o) => ['--rle', i, o] },
];

export function encoding(id: string): Encoding {
  const found = ENCODINGS.find((e) => e.id === id);
  if (!found) throw new Error(`no encoding ${id}`);
  return found;
}

const present = new Map<string, boolean>();

/** True when the encoder's command exists on this machine. */
export function hasTool(tool: string): boolean {
  if (!present.has(tool)) present.set(tool, spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
  return present.get(tool)!;
}

/** Writes `output`, `input` re-encoded; throws with the tool's stderr on failure. */
export function reencode(enc: Encoding, input: string, output: string): void {
  try {
    execFileSync(enc.tool, enc.args(input, output), { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`${enc.tool} ${enc.args(input, output).join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
}

/** gdcm's own decode back to Explicit VR Little Endian: a second, independent decoder for lossy files. */
export function decodeWithGdcm(input: string, output: string): void {
  execFileSync('gdcmconv', ['--raw', input, output], { stdio: ['ignore', 'pipe', 'pipe'] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [id, input, output] = process.argv.slice(2);
  if (!id || !input || !output) {
    console.error(`usage: tsx scripts/dicomEncoders.ts <${ENCODINGS.map((e) => e.id).join('|')}> <in.dcm> <out.dcm>`);
    process.exit(2);
  }
  reencode(encoding(id), input, output);
}
