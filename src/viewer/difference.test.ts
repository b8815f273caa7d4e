// The difference labels (TP/FP/FN) and the viewer's keys, on tiny hand-made inputs.
import { describe, expect, it } from 'vitest';
import { differenceLabelmap } from './difference';
import { commandForKey } from './keyboard';

describe('differenceLabelmap', () => {
  it('labels TP 1, FP 2, FN 3', () => {
    expect(Array.from(differenceLabelmap(new Uint8Array([1, 1, 0, 0]), new Uint8Array([1, 0, 1, 0])))).toEqual([1, 3, 2, 0]);
  });
});

describe('commandForKey', () => {
  it('maps OHIF-like keys', () => {
    expect(commandForKey('ArrowDown')).toEqual({ kind: 'step', by: 1 });
    expect(commandForKey('PageUp')).toEqual({ kind: 'step', by: -10 });
    expect(commandForKey('1')).toEqual({ kind: 'preset', name: 'softTissue' });
    expect(commandForKey('2')).toEqual({ kind: 'preset', name: 'lung' });
    expect(commandForKey('3')).toEqual({ kind: 'preset', name: 'liver' });
    expect(commandForKey('4')).toEqual({ kind: 'preset', name: 'bone' });
    expect(commandForKey('5')).toEqual({ kind: 'preset', name: 'pipeline' });
    expect(commandForKey('6')).toBeNull();
    expect(commandForKey('d')).toEqual({ kind: 'overlay', overlay: 'difference' });
    expect(commandForKey('L')).toEqual({ kind: 'tool', tool: 'length' });
    expect(commandForKey('x')).toBeNull();
    expect(commandForKey('?')).toEqual({ kind: 'help' });
  });
});
