/**
 * The watch page build (`vite build -c player/vite.config.ts`; `npm run build` runs
 * player/build.ts, which also builds the embed and enforces the size budget).
 *
 * Output (the player bucket): index.html at the root (served for /watch/*), errors/ from
 * player/shell, scripts under player/assets/. hls.js (hls-features.ts) is a separate chunk, fetched by a
 * dynamic import; modulePreload is off so the chunk's import stays a plain relative import().
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { BOOT_SCRIPT } from './src/boot-session.ts';
import { minifyStyleLiterals } from './style-literals.ts';
import { HLS_SOURCE_ENTRY, hlsDefines, hlsFeatureShims, hlsVersion } from './hls-features.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const BOOT_MARK = /<!-- lectern:boot-session[^>]*-->/;

/** The boot script goes in inline: a separate file would cost the round trip it exists to save. */
const bootSession: Plugin = {
  name: 'lectern-boot-session',
  transformIndexHtml(html) {
    if (!BOOT_MARK.test(html)) throw new Error('player/index.html: the lectern:boot-session marker is missing');
    return html.replace(BOOT_MARK, () => `<script>${BOOT_SCRIPT}</script>`);
  },
};

export default defineConfig({
  root,
  base: '/',
  publicDir: 'shell',
  plugins: [bootSession, minifyStyleLiterals(), hlsFeatureShims()],
  // hls.js from its sources with lectern's feature set (hls-features.ts), not the light build.
  define: hlsDefines(hlsVersion()),
  resolve: { alias: [{ find: /^lectern-hls$/, replacement: HLS_SOURCE_ENTRY }] },
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
    rolldownOptions: {
      // The lazy chunk is named for what it is (the build's size report finds it by name).
      output: { chunkFileNames: (chunk) => `player/assets/${chunk.facadeModuleId === HLS_SOURCE_ENTRY ? 'hls' : '[name]'}-[hash].js` },
    },
  },
});
