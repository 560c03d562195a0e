/**
 * Installed in every bench page at document start. A string, not a function: tsx may wrap inner
 * functions with helpers the page does not have. At the first frame it also snapshots Resource
 * Timing, so the floor is computed from what was actually fetched before that frame.
 */
export const MEASURE = `(() => {
  const b = window.__bench = { result: null, expect: 'lesson-1', idle: false, nextReady: false };
  const video = () => document.querySelector('video') || (document.querySelector('lectern-player') && document.querySelector('lectern-player').shadowRoot && document.querySelector('lectern-player').shadowRoot.querySelector('video'));
  b.video = video;
  const lesson = () => { const el = document.querySelector('lectern-player'); return el ? el.getAttribute('lesson') : window.benchLesson; };
  const resources = (until) => performance.getEntriesByType('resource').filter((e) => e.responseEnd <= until)
    .map((e) => ({ name: e.name, startTime: e.startTime, responseEnd: e.responseEnd, bytes: e.transferSize || e.encodedBodySize || 0 }));
  b.arm = (expect) => { b.expect = expect; b.result = null; b.armed = true; };
  window.addEventListener('click', (e) => {
    if (!b.armed) return;
    b.armed = false;
    const t0 = e.timeStamp;
    const tick = () => {
      const v = video();
      if (!v) return requestAnimationFrame(tick);
      v.requestVideoFrameCallback((now, meta) => {
        if (lesson() !== b.expect || (b.expect === 'lesson-2' && meta.mediaTime > 1)) return tick();
        const el = document.querySelector('lectern-player'); b.result = { ms: now - t0, mediaTime: meta.mediaTime, clickAt: t0, resources: resources(now), marks: el && el.debugState ? el.debugState.marks : {} };
      });
    };
    tick();
  }, true);
  document.addEventListener('lectern-ready', () => (b.idle = true));
  document.addEventListener('lectern-next-ready', () => (b.nextReady = true));
  // Seek start: the pointer going down on the seek bar (lectern) or, for the baselines, the
  // 'seeking' event their currentTime assignment fires. The target is read at 'seeking', so a
  // keyframe-snapped seek is judged against where the player actually went.
  b.armSeek = () => {
    const v = video();
    const s = { t0: 0, target: null };
    b.seek = null;
    window.addEventListener('pointerdown', (e) => { if (!s.t0) s.t0 = e.timeStamp; }, { capture: true, once: true });
    const onSeeking = () => {
      if (s.target !== null) return;
      v.removeEventListener('seeking', onSeeking);
      s.target = v.currentTime;
      if (!s.t0) s.t0 = performance.now();
      const ranges = [];
      for (let i = 0; i < v.buffered.length; i++) ranges.push([v.buffered.start(i), v.buffered.end(i)]);
      const buffered = ranges.some(([a, z]) => s.target >= a && s.target < z);
      const tick = () => v.requestVideoFrameCallback((now, meta) => {
        if (Math.abs(meta.mediaTime - s.target) <= 0.5) b.seek = { ms: now - s.t0, target: s.target, mediaTime: meta.mediaTime, buffered, ranges };
        else tick();
      });
      tick();
    };
    v.addEventListener('seeking', onSeeking);
  };
  b.stalls = () => {
    const v = video();
    const s = { count: 0, ms: 0, since: 0, log: [] };
    const buffered = () => { const r = []; for (let i = 0; i < v.buffered.length; i++) r.push(v.buffered.start(i).toFixed(2) + '-' + v.buffered.end(i).toFixed(2)); return r.join(' '); };
    v.addEventListener('waiting', () => { s.log.push({ at: performance.now(), what: 'waiting', t: v.currentTime, buffered: buffered() }); if (!s.since) { s.count++; s.since = performance.now(); } });
    v.addEventListener('playing', () => { s.log.push({ at: performance.now(), what: 'playing', t: v.currentTime, buffered: buffered() }); if (s.since) { s.ms += performance.now() - s.since; s.since = 0; } });
    b.stallState = () => ({ count: s.count, ms: s.ms + (s.since ? performance.now() - s.since : 0), t: v.currentTime, ended: v.ended });
    b.stallLog = () => s.log;
  };
})();`;
