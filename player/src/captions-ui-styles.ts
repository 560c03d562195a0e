/**
 * Styles for the captions menu, the transcript and the rendered cues, injected with the chunk
 * that draws them. Text is #f2f4f8 on #141a28 or darker (15:1), the marked cue #10131a on
 * #ffbf47 (11:1); focus rings are the player's #ffbf47 on the dark panels (9:1) and #10131a on
 * the marked cue. Reduced motion (the transcript's smooth scrolling): styles.ts.
 */
export const CAPTIONS_UI_STYLES = `
video::cue { color: #fff; background: rgba(0,0,0,.85); font-size: 110%; line-height: 1.3; }
.menu { position: absolute; right: 10px; bottom: calc(100% - 24px); min-width: 10rem; max-height: 14rem; overflow: auto; background: #141a28; border: 1px solid #8a94a8; border-radius: 6px; padding: 4px; display: flex; flex-direction: column; z-index: 3; }
.menu button { justify-content: start; text-align: left; padding: 0 12px 0 28px; position: relative; }
.menu button[aria-checked=true]::before { content: "✓"; position: absolute; left: 9px; }
.transcript { position: absolute; top: 0; right: 0; bottom: 84px; width: min(42%, 22rem); background: #0d111b; border-left: 1px solid #8a94a8; display: flex; flex-direction: column; z-index: 2; }
.transcript-head { display: flex; align-items: center; justify-content: space-between; padding: 2px 4px 2px 12px; font-weight: 600; border-bottom: 1px solid #3a4a6b; }
.transcript ol { list-style: none; margin: 0; padding: 4px; overflow-y: auto; flex: 1; scroll-behavior: smooth; }
.transcript li button { display: flex; gap: 8px; width: 100%; text-align: left; padding: 6px 8px; place-items: start; }
.transcript li button:focus-visible { outline-offset: -3px; }
.transcript .cue-time { color: #c5cbd8; font-variant-numeric: tabular-nums; }
.transcript [aria-current=true] { background: #ffbf47; color: #10131a; }
.transcript [aria-current=true] .cue-time { color: #10131a; }
.transcript [aria-current=true]:focus-visible { outline-color: #10131a; }
.transcript .empty { padding: 8px; }
`;
