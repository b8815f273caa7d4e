// Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item, then fragment items, then a sequence
// delimiter. Finds the bytes of the first frame, checking every item so that a corrupt or truncated
// fragment is reported ("fragment 3 claims 9000 bytes, 120 left") instead of handed to a codec.
// Pure: no DOM, no Node APIs.

const ITEM = 0xe000;
const SEQUENCE_DELIMITER = 0xe0dd;
const ITEM_GROUP = 0xfffe;

export interface Fragment {
  /** Offset of the item's value in the byte array. */
  offset: number;
  length: number;
  /** Offset of the item tag, counted from the first byte after the Basic Offset Table item (as the table counts). */
  position: number;
}

export interface EncapsulatedPixelData {
  offsetTable: number[];
  fragments: Fragment[];
}

/** Reads the items of encapsulated pixel data starting at `start`; returns them or what is wrong. */
export function readFragments(bytes: Uint8Array, start: number): EncapsulatedPixelData | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (at: number): { group: number; element: number; length: number } | null =>
    at + 8 <= bytes.length ? { group: view.getUint16(at, true), element: view.getUint16(at + 2, true), length: view.getUint32(at + 4, true) } : null;

  const table = header(start);
  if (!table) return 'encapsulated pixel data is truncated before its Basic Offset Table';
  if (table.group !== ITEM_GROUP || table.element !== ITEM) {
    return `encapsulated pixel data does not start with a Basic Offset Table item (found ${tagName(table.group, table.element)})`;
  }
  if (table.length % 4 !== 0 || start + 8 + table.length > bytes.length) {
    return `corrupt Basic Offset Table (${table.length} bytes, ${Math.max(0, bytes.length - start - 8)} left in the file)`;
  }
  const offsetTable: number[] = [];
  for (let i = 0; i < table.length; i += 4) offsetTable.push(view.getUint32(start + 8 + i, true));

  const first = start + 8 + table.length;
  const fragments: Fragment[] = [];
  for (let at = first; ; ) {
    const item = header(at);
    if (!item) {
      if (at < bytes.length) return `fragment ${fragments.length + 1} is truncated (item header cut off)`;
      break; // No sequence delimiter at the end of the file: tolerated, every fragment was complete.
    }
    if (item.group === ITEM_GROUP && item.element === SEQUENCE_DELIMITER) break;
    if (item.group !== ITEM_GROUP || item.element !== ITEM) {
      return `corrupt encapsulated pixel data: expected fragment ${fragments.length + 1} at byte ${at}, found ${tagName(item.group, item.element)}`;
    }
    const left = bytes.length - at - 8;
    if (item.length > left) return `fragment ${fragments.length + 1} claims ${item.length} bytes but only ${left} are left (truncated file?)`;
    fragments.push({ offset: at + 8, length: item.length, position: at - first });
    at += 8 + item.length;
  }
  if (fragments.length === 0) return 'encapsulated pixel data has no fragments';
  return { offsetTable, fragments };
}

/** The encoded bytes of frame 1 out of `frames`: all fragments for one frame, else by the offset table. */
export function firstFrame(bytes: Uint8Array, data: EncapsulatedPixelData, frames: number): Uint8Array | string {
  const { fragments, offsetTable } = data;
  let parts: Fragment[];
  if (frames <= 1) parts = fragments;
  else if (offsetTable.length >= 2) parts = fragments.filter((f) => f.position >= offsetTable[0] && f.position < offsetTable[1]);
  else if (fragments.length === frames) parts = [fragments[0]];
  else return `cannot tell where frame 1 ends: ${fragments.length} fragments for ${frames} frames and no Basic Offset Table`;
  if (parts.length === 0) return 'the Basic Offset Table points at no fragment for frame 1';
  if (parts.length === 1) return bytes.subarray(parts[0].offset, parts[0].offset + parts[0].length);
  const joined = new Uint8Array(parts.reduce((sum, f) => sum + f.length, 0));
  let at = 0;
  for (const f of parts) {
    joined.set(bytes.subarray(f.offset, f.offset + f.length), at);
    at += f.length;
  }
  return joined;
}

function tagName(group: number, element: number): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `tag (${hex(group)},${hex(element)})`;
}
