import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores on the reference machine: keep the pool small so CPU-heavy suites do not starve each other.
    maxWorkers: 2,
  },
});
