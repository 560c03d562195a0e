// hls.js ships types for its full build only; the light build has the same API surface minus
// the features it leaves out (alt audio, subtitles, EME, CMCD...).
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
