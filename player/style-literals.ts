/**
 * The player's CSS lives in template literals (it goes into shadow roots, not a stylesheet
 * file), so Vite's CSS minifier never sees it: this plugin minifies those literals with
 * esbuild at build time, the way a stylesheet would be. Only modules named `*styles.ts`, whose
 * literals hold nothing but CSS (no `${}`).
 */
import { transform } from 'esbuild';
import type { Plugin } from 'vite';

const STYLE_MODULE = /[\\/][\w-]*styles\.ts$/;
const LITERAL = /`([^`$\\]*)`/g;

export function minifyStyleLiterals(): Plugin {
  return {
    name: 'lectern-minify-style-literals',
    async transform(code, id) {
      if (!STYLE_MODULE.test(id)) return null;
      const literals = [...code.matchAll(LITERAL)];
      let out = code;
      for (const [whole, css] of literals) {
        const min = (await transform(css as string, { loader: 'css', minify: true })).code.trim();
        out = out.replace(whole, () => JSON.stringify(min));
      }
      return { code: out, map: null };
    },
  };
}
