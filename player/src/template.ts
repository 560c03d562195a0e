/**
 * The player's markup (shadow DOM) and a typed handle on each part: controllers use
 * `ui.seek`, never a string lookup.
 */
import { PLAYER_DEFAULTS } from './defaults.ts';
import { STYLES } from './styles.ts';

export const ICONS = {
  play: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8 5v14l11-7z"/></svg>',
  pause: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>',
  volume: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z"/></svg>',
  muted: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9v6h4l5 5V4L7 9H3zm18.6 6.2-1.4 1.4-3.2-3.2-3.2 3.2-1.4-1.4 3.2-3.2-3.2-3.2 1.4-1.4 3.2 3.2 3.2-3.2 1.4 1.4-3.2 3.2z"/></svg>',
  captions: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm-8 7H9.5v-.5h-2v3h2V13H11v1a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v1zm7 0h-1.5v-.5h-2v3h2V13H18v1a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v1z"/></svg>',
  pip: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 11h-8v6h8v-6zm4 8V5a2 2 0 0 0-2-2H3a2 2 0 0 0-2 2v14c0 1.1.9 2 2 2h18a2 2 0 0 0 2-2zm-2 0H3V5h18v14z"/></svg>',
  fullscreen: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z"/></svg>',
  menu: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 14l5-5 5 5z"/></svg>',
  transcript: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5h16v2H4zm0 4h10v2H4zm0 4h16v2H4zm0 4h10v2H4z"/></svg>',
  next: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z"/></svg>',
};

export interface PlayerTemplate {
  readonly player: HTMLDivElement;
  readonly video: HTMLVideoElement;
  readonly bigPlay: HTMLButtonElement;
  readonly spinner: HTMLDivElement;
  readonly message: HTMLDivElement;
  readonly messageText: HTMLParagraphElement;
  readonly action: HTMLButtonElement;
  readonly seek: HTMLInputElement;
  readonly seekWrap: HTMLDivElement;
  readonly preview: HTMLDivElement;
  readonly previewTime: HTMLSpanElement;
  readonly play: HTMLButtonElement;
  readonly mute: HTMLButtonElement;
  readonly volume: HTMLInputElement;
  readonly time: HTMLSpanElement;
  readonly next: HTMLButtonElement;
  readonly speed: HTMLSelectElement;
  readonly quality: HTMLSelectElement;
  readonly captions: HTMLButtonElement;
  readonly captionsMenu: HTMLButtonElement;
  readonly transcript: HTMLButtonElement;
  readonly pip: HTMLButtonElement;
  readonly fullscreen: HTMLButtonElement;
  readonly status: HTMLDivElement;
}

/** Renders the player into `root` and returns its parts. */
export function renderTemplate(root: ShadowRoot, label: string): PlayerTemplate {
  root.innerHTML = `<style>${STYLES}</style>
<div class="player" part="player" role="region" tabindex="0" aria-label="${label.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" aria-describedby="keys">
  <video playsinline crossorigin="use-credentials" preload="none" part="video"></video>
  <div class="overlay">
    <div class="spinner" role="presentation" hidden></div>
    <button class="big-play" type="button" aria-label="Play">${ICONS.play}</button>
    <div class="message" role="alert" hidden><p></p><button type="button" class="action" hidden></button></div>
  </div>
  <div class="controls" role="group" aria-label="Video controls">
    <div class="seek-wrap">
      <input class="seek" type="range" min="0" max="0" step="0.1" value="0" aria-label="Seek" aria-valuetext="0 seconds of 0 seconds">
      <div class="preview" aria-hidden="true" hidden><span></span></div>
    </div>
    <div class="row">
      <button class="play" type="button" aria-label="Play" title="Play (k)">${ICONS.play}</button>
      <button class="mute" type="button" aria-label="Mute" title="Mute (m)">${ICONS.volume}</button>
      <input class="volume" type="range" min="0" max="1" step="0.05" value="1" aria-label="Volume">
      <span class="time" aria-hidden="true">0:00 / 0:00</span>
      <span class="spacer"></span>
      <button class="next" type="button" hidden aria-label="Next lesson" title="Next lesson (Shift+N)">${ICONS.next}<span>Next</span></button>
      <label class="speed-label sr-only" for="speed">Playback speed</label>
      <select class="speed" id="speed" aria-label="Playback speed" title="Speed">${PLAYER_DEFAULTS.controls.speeds.map((s) => `<option value="${s}"${s === 1 ? ' selected' : ''}>${s}×</option>`).join('')}</select>
      <select class="quality" aria-label="Quality" title="Quality"><option value="-1">Auto</option></select>
      <button class="captions" type="button" aria-label="Captions" aria-pressed="false" title="Captions (c)" hidden>${ICONS.captions}</button>
      <button class="captions-menu" type="button" aria-label="Caption language" aria-haspopup="menu" aria-expanded="false" title="Caption language" hidden>${ICONS.menu}</button>
      <button class="transcript-toggle" type="button" aria-label="Transcript" aria-pressed="false" title="Transcript (t)" hidden>${ICONS.transcript}</button>
      <button class="pip" type="button" aria-label="Picture in picture" title="Picture in picture (i)" hidden>${ICONS.pip}</button>
      <button class="fullscreen" type="button" aria-label="Full screen" title="Full screen (f)">${ICONS.fullscreen}</button>
    </div>
  </div>
  <div class="sr-only" id="keys">Keyboard: k or space play and pause, left and right arrows seek 5 seconds, j and l seek 10 seconds, up and down arrows change volume, m mute, c captions, t transcript, f full screen, i picture in picture, shift and n next lesson, 0 to 9 jump to that tenth of the lesson.</div>
  <div class="sr-only status" role="status" aria-live="polite"></div>
</div>`;
  const q = <T extends Element>(selector: string): T => root.querySelector(selector) as T;
  return {
    player: q('.player'),
    video: q('video'),
    bigPlay: q('.big-play'),
    spinner: q('.spinner'),
    message: q('.message'),
    messageText: q('.message p'),
    action: q('.message .action'),
    seek: q('.seek'),
    seekWrap: q('.seek-wrap'),
    preview: q('.preview'),
    previewTime: q('.preview span'),
    play: q('.play'),
    mute: q('.mute'),
    volume: q('.volume'),
    time: q('.time'),
    next: q('.next'),
    speed: q('.speed'),
    quality: q('.quality'),
    captions: q('.captions'),
    captionsMenu: q('.captions-menu'),
    transcript: q('.transcript-toggle'),
    pip: q('.pip'),
    fullscreen: q('.fullscreen'),
    status: q('.status'),
  };
}
