import { defineConfig } from 'vitest/config';

// One standalone pipeline (support/standalone.ts) and one Chromium for every test file, in order.
export default defineConfig({
  test: {
    include: ['tests/**/*.e2e.ts'],
    globalSetup: ['support/standalone.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
    // the pipeline's SIGTERM shutdown (support/standalone.ts) takes up to ~30 s
    teardownTimeout: 60_000,
    reporters: ['default'],
  },
});
