// The DICOM transfer syntaxes LiverLab may meet, by UID: a human name and how the pixels are encoded.
// Exists so that every file's encoding is named clearly in messages ("JPEG Baseline (Process 1) (…4.50)")
// and compressed files go to a decoder (dicom/codecs) instead of being read as garbage.
// Pure data and lookups: no parsing, no DOM; runs everywhere.

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** True when the pixel data is encapsulated and needs a decoder (JPEG, JPEG-LS, JPEG 2000, RLE, video…). */
  compressed: boolean;
  explicitVr: boolean;
  littleEndian: boolean;
  /** True when the whole dataset after the meta header is deflated (zlib raw deflate). */
  deflated: boolean;
}

type Encoding = Pick<TransferSyntax, 'compressed' | 'explicitVr' | 'littleEndian' | 'deflated'>;

const NATIVE_LE: Encoding = { compressed: false, explicitVr: true, littleEndian: true, deflated: false };
const ENCAPSULATED: Encoding = { compressed: true, explicitVr: true, littleEndian: true, deflated: false };

const TABLE: [uid: string, name: string, encoding: Encoding][] = [
  [IMPLICIT_VR_LITTLE_ENDIAN, 'Implicit VR Little Endian', { ...NATIVE_LE, explicitVr: false }],
  [EXPLICIT_VR_LITTLE_ENDIAN, 'Explicit VR Little Endian', NATIVE_LE],
  [DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 'Deflated Explicit VR Little Endian', { ...NATIVE_LE, deflated: true }],
  [EXPLICIT_VR_BIG_ENDIAN, 'Explicit VR Big Endian (Retired)', { ...NATIVE_LE, littleEndian: false }],
  ['1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.53', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (Retired)', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.55', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (Retired)', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', ENCAPSULATED],
  [
    '1.2.840.10008.1.2.4.70',
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
    ENCAPSULATED,
  ],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless) Image Compression', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component Image Compression', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.94', 'JPIP Referenced', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.95', 'JPIP Referenced Deflate', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.101', 'MPEG2 Main Profile / High Level', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.104', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.105', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.106', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.108', 'HEVC/H.265 Main 10 Profile / Level 5.1', ENCAPSULATED],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', ENCAPSULATED],
  [
    '1.2.840.10008.1.2.4.202',
    'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
    ENCAPSULATED,
  ],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000 Image Compression', ENCAPSULATED],
  ['1.2.840.10008.1.2.5', 'RLE Lossless', ENCAPSULATED],
];

const BY_UID: ReadonlyMap<string, TransferSyntax> = new Map(
  TABLE.map(([uid, name, encoding]) => [uid, { uid, name, ...encoding }]),
);

/** Every transfer syntax LiverLab can name. */
export const TRANSFER_SYNTAXES: readonly TransferSyntax[] = [...BY_UID.values()];

/** The known transfer syntax with this UID, or null. Trailing NULs/spaces (padding) are ignored. */
export function transferSyntax(uid: string): TransferSyntax | null {
  return BY_UID.get(normaliseUid(uid)) ?? null;
}

/** `"JPEG 2000 Image Compression (Lossless Only) (1.2.840.10008.1.2.4.90)"`; unknown UIDs say so. */
export function describeTransferSyntax(uid: string): string {
  const clean = normaliseUid(uid);
  const known = BY_UID.get(clean);
  return known ? `${known.name} (${clean})` : `unknown transfer syntax (${clean})`;
}

/** True for known encapsulated (compressed) syntaxes; false for the native ones and for unknown UIDs. */
export function isCompressed(uid: string): boolean {
  return BY_UID.get(normaliseUid(uid))?.compressed ?? false;
}

/** True when LiverLab reads the pixels directly: implicit/explicit LE, deflated explicit LE, explicit BE. */
export function isNativeUncompressed(uid: string): boolean {
  const known = BY_UID.get(normaliseUid(uid));
  return known !== undefined && !known.compressed;
}

/** Drops padding; replaces bytes that cannot be in a UID so a damaged one is still printable in a message. */
function normaliseUid(uid: string): string {
  return uid
    .replace(/[\0\s]+$/, '')
    .trim()
    .replace(/[^\x20-\x7e]/g, '?');
}
