// `lectern-hls` is hls.js compiled from its sources with lectern's feature set
// (player/hls-features.ts); hls.js ships types for its full build, which has the same API.
declare module 'lectern-hls' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
