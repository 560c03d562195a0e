/**
 * Shadow DOM styles for <lectern-player>. Colours meet WCAG AA on the dark control bar (text
 * 4.5:1, controls and the #ffbf47 focus ring 3:1); with reduced motion nothing moves by itself
 * (the spinner stands still, the controls appear and fade without a transition).
 */
export const STYLES = `
:host { display: block; position: relative; background: #000; color: #f2f4f8; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; aspect-ratio: 16 / 9; overflow: hidden; border-radius: 6px; contain: content; }
:host(:fullscreen) { border-radius: 0; aspect-ratio: auto; width: 100vw; height: 100vh; }
.player { position: absolute; inset: 0; outline: none; }
video { position: absolute; inset: 0; width: 100%; height: 100%; background: #000; object-fit: contain; }
button, select, input { font: inherit; color: inherit; }
button { background: transparent; border: 0; padding: 0; cursor: pointer; border-radius: 4px; min-width: 36px; min-height: 36px; display: inline-grid; place-items: center; }
button:hover { background: rgba(255,255,255,.14); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
svg { width: 22px; height: 22px; fill: currentColor; pointer-events: none; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.overlay { position: absolute; inset: 0; display: grid; place-items: center; pointer-events: none; }
.overlay > * { pointer-events: auto; }
.big-play { width: 84px; height: 84px; border-radius: 50%; background: rgba(10,14,24,.72); border: 2px solid rgba(255,255,255,.85); }
.big-play svg { width: 40px; height: 40px; }
.big-play[hidden], .spinner[hidden], .message[hidden], .signin[hidden] { display: none; }
.spinner { width: 48px; height: 48px; border-radius: 50%; border: 4px solid rgba(255,255,255,.25); border-top-color: #fff; animation: spin 0.9s linear infinite; pointer-events: none; }
@keyframes spin { to { transform: rotate(360deg); } }
.message { max-width: min(32rem, 86%); background: rgba(10,14,24,.92); border: 1px solid rgba(255,255,255,.25); border-radius: 8px; padding: 1rem 1.25rem; text-align: center; }
.message p { margin: 0 0 .75rem; }
.message button, .signin { background: #2f6fed; color: #fff; padding: .5rem 1rem; min-height: 40px; border-radius: 6px; font-weight: 600; }
.message button:hover, .signin:hover { background: #1f56c4; }
.controls { position: absolute; left: 0; right: 0; bottom: 0; padding: 28px 10px 8px; background: linear-gradient(transparent, rgba(0,0,0,.82)); display: flex; flex-direction: column; gap: 4px; transition: opacity .2s; }
.player.idle.playing .controls:not(:focus-within) { opacity: 0; }
.player.idle.playing { cursor: none; }
.row { display: flex; align-items: center; gap: 4px; }
.spacer { flex: 1; }
.time { font-variant-numeric: tabular-nums; padding: 0 6px; white-space: nowrap; }
.seek-wrap { position: relative; height: 20px; display: flex; align-items: center; }
input[type=range] { accent-color: #ffbf47; cursor: pointer; background: transparent; }
.seek { width: 100%; margin: 0; height: 20px; }
.volume { width: 80px; }
select { background: rgba(20,24,34,.9); border: 1px solid rgba(255,255,255,.35); border-radius: 4px; min-height: 32px; padding: 0 4px; }
.preview { position: absolute; bottom: 26px; transform: translateX(-50%); border: 2px solid #fff; border-radius: 4px; background-color: #111; background-repeat: no-repeat; box-shadow: 0 2px 12px rgba(0,0,0,.6); pointer-events: none; }
.preview[hidden] { display: none; }
.preview span { position: absolute; bottom: -22px; left: 50%; transform: translateX(-50%); background: rgba(0,0,0,.8); padding: 0 4px; border-radius: 3px; font-size: 12px; white-space: nowrap; }
.next { width: auto; padding: 0 10px; gap: 6px; display: inline-flex; align-items: center; font-weight: 600; }
.next[hidden], [hidden] { display: none !important; }
button[aria-pressed=true] { color: #ffbf47; }
@media (max-width: 520px) { .volume, .speed-label { display: none; } }
@media (prefers-reduced-motion: reduce) { *, ::before, ::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; } }
`;
