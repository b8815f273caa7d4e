// Names as the dropdowns and tables show them: generated names shortened, the rest left alone.
import { describe, expect, it } from 'vitest';
import { shortName } from './format';

describe('shortName', () => {
  it('shortens the generated dataset, run and model names', () => {
    expect(shortName('3Dircadb1.1 … 3Dircadb1.17 (2 patients)')).toBe('3Dircadb1.1–17 (2)');
    expect(shortName('Phantom.1 … Phantom.3 (3 patients) · Laptop')).toBe('Phantom.1–3 (3) · Laptop');
    expect(shortName('3Dircadb1.1 … 3Dircadb1.17 (2 patients) · Laptop (best, epoch 16)')).toBe('3Dircadb1.1–17 (2) · Laptop (best ep 16)');
  });

  it('keeps the seed and epoch of a long model name, cutting its dataset part', () => {
    const name = 'Phantom.1 … Phantom.3 (3 patients) · Laptop · seed 5 (best, epoch 12)';
    const cut = shortName(name);
    expect(cut.length).toBeLessThanOrEqual(44);
    expect(cut).toBe('Phantom.1–3… · Laptop · seed 5 (best ep 12)');
  });

  it('keeps short names as they are and cuts long ones in the middle', () => {
    expect(shortName('3Dircadb1.17')).toBe('3Dircadb1.17');
    const long = 'a model imported from a colleague with a very long file name';
    const cut = shortName(long, 20);
    expect(cut).toHaveLength(20);
    expect(cut.startsWith('a model impo')).toBe(true);
    expect(cut.endsWith('name')).toBe(true);
    expect(cut).toContain('…');
  });
});
