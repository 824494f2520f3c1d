import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run bench`: the console's figures (bench/console.e2e-bench.ts), on the same pipeline setup
// as the browser tests (base.test), but only the bench file.
export default defineConfig({
  test: {
    ...base.test,
    include: ['bench/**/*.e2e-bench.ts'],
    testTimeout: 600_000,
  },
});
