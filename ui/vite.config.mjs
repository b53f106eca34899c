// The dashboard's bundle (docs/DASHBOARD.md): ui/ built into dist/ui, served by Herald at /ui.
//   npx vite build --config ui/vite.config.mjs          (npm run build does it)
//   npx vite --config ui/vite.config.mjs                (a dev server on :5173 for a Herald on :3000)
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const herald = process.env.HERALD_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: '/ui/',
  publicDir: false,
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    reportCompressedSize: false,
    // No inline script (the page's Content-Security-Policy is script-src 'self').
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': herald } },
});
