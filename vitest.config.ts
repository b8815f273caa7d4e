// Unit tests run in Node against the pure core (dicom/, pipeline/, model/, …).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['scripts/vitest.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time: vitest's default (CPUs − 1) runs one file at a time on a 2-core machine,
    // leaving a core idle while a test waits for a CLI child process or a worker (~6.4 → ~4.5 min
    // for all files here; every file makes its own temp folders, so two at once share nothing).
    maxWorkers: 2,
  },
});
