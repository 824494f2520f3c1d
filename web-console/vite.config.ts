/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle is packed into the web-console jar under dev/tracefold/console/bundle and served at
// "/" by the trace API (WebConsole.java): hashed files under /assets/ are cached for a year.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'target/classes/dev/tracefold/console/bundle',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` against a running standalone pipeline: the API and uploads go to port 8080.
    proxy: { '/api': 'http://localhost:8080' },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
