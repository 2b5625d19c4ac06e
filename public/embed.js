// Routeplay embed host script (docs/embed.md). Include it on the page that embeds Routeplay:
//   <iframe data-routeplay src="https://…/routeplay/#embed" title="…" width="100%" height="720"></iframe>
//   <script src="https://…/routeplay/public/embed.js" defer></script>
// Every <iframe data-routeplay> then takes the height of its content, and follows it when the
// content grows or shrinks: the embedded page posts {type: "routeplay:height", height} to its
// parent. Only messages from the iframe's own window and origin are believed.
(() => {
  'use strict';
  const MAX = 20000; // px: a frame never makes the page taller than this
  const frames = () => document.querySelectorAll('iframe[data-routeplay]');
  const originOf = (f) => { try { return new URL(f.src, location.href).origin; } catch { return null; } };
  addEventListener('message', (event) => {
    const d = event.data;
    if (!d || d.type !== 'routeplay:height' || !Number.isFinite(d.height)) return;
    for (const f of frames()) {
      if (f.contentWindow === event.source && originOf(f) === event.origin) {
        f.style.height = `${Math.min(Math.max(Math.ceil(d.height), 0), MAX)}px`;
      }
    }
  });
  // Ask frames that posted before this script ran to post their height again.
  const ask = (f) => { const o = originOf(f); if (o && f.contentWindow) f.contentWindow.postMessage({ type: 'routeplay:ask-height' }, o); };
  const start = () => frames().forEach((f) => { ask(f); f.addEventListener('load', () => ask(f)); });
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', start); else start();
})();
