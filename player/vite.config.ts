/**
 * The watch page build (`vite build -c player/vite.config.ts`; `npm run build` runs
 * player/build.ts, which also builds the embed and enforces the size budget).
 *
 * Output (the player bucket): index.html at the root (served for /watch/*), errors/ from
 * player/shell, scripts under player/assets/. hls.js light is a separate chunk, fetched by a
 * dynamic import; modulePreload is off so the chunk's import stays a plain relative import().
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: 'shell',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/player', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'player/assets',
    target: 'es2022',
    modulePreload: false,
    manifest: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
