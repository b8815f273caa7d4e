// The message a user sees when the browser's storage is full: what failed, how much is needed,
// what to delete; and other storage errors named as such.
import { describe, expect, it } from 'vitest';
import { describeStorageError, isQuotaError } from './quota';

describe('storage errors', () => {
  it('turns a QuotaExceededError into the size needed and what to delete', () => {
    const e = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    expect(isQuotaError(e)).toBe(true);
    expect(describeStorageError(e, 52 * 1048576, 'caching 3Dircadb1.17')).toBe(
      'Not enough browser storage for caching 3Dircadb1.17: it needs about 52.0 MiB more. Delete cached datasets you no longer need (Cached datasets → Delete), or free disk space, then try again. Nothing already cached was changed.',
    );
  });

  it('names other failures without calling them quota problems', () => {
    const e = new Error('Version change transaction was aborted');
    expect(isQuotaError(e)).toBe(false);
    expect(describeStorageError(e, 1, 'caching P')).toMatch(/^Could not write caching P to the browser cache: Version change/);
  });
});
