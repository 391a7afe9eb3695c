// The responsive actor, inside the page (plain JavaScript: it is injected as is, before any page
// script runs). Configuration comes from window.__liveproofActorConfig, set by actor.ts.
// It replaces getUserMedia with a canvas stream that plays a neutral stretch of real footage and,
// after a human-like delay, answers each `liveproof-prompt` with the labelled segment for it.
(() => {
  const config = window.__liveproofActorConfig;
  if (!config) return;
  const W = 640;
  const H = 480;
  const log = [];
  let seed = (config.seed ?? Math.floor(Math.random() * 0xffffffff)) >>> 0 || 1;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  window.__liveproofActor = log;
  const videos = new Map();
  let canvas;
  let current;
  let generation = 0;
  let switching = false;

  const videoFor = (file) => {
    let video = videos.get(file);
    if (!video) {
      video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.preload = 'auto';
      video.dataset.harness = 'actor';
      video.src = config.mediaPath + encodeURIComponent(file);
      video.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:2px;opacity:0;pointer-events:none';
      (document.body || document.documentElement).append(video);
      videos.set(file, video);
    }
    return video;
  };

  const ready = (video) =>
    video.readyState >= 3 ? Promise.resolve() : new Promise((resolve) => video.addEventListener('canplay', resolve, { once: true }));

  // Switches to a segment once the footage is at its start; meanwhile the previous one keeps playing.
  const play = async (segment, loop) => {
    const mine = ++generation;
    switching = true;
    const video = videoFor(segment.file);
    await ready(video);
    video.pause();
    video.currentTime = segment.start;
    await new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
    if (mine !== generation) return;
    current = { segment, video, loop };
    switching = false;
    await video.play().catch(() => undefined);
    return video.currentTime;
  };

  const draw = () => {
    const ctx = canvas.getContext('2d');
    if (!current || current.video.readyState < 2) return;
    const { video, segment } = current;
    if (!switching && (video.currentTime >= segment.end || video.ended)) {
      if (current.loop) video.currentTime = segment.start;
      else if (!current.heldSince) {
        // Like a person, hold the pose a moment before relaxing back to neutral.
        video.pause();
        current.heldSince = performance.now();
      } else if (performance.now() - current.heldSince >= config.holdMs) void play(config.neutral, true);
    }
    const scale = Math.max(W / video.videoWidth, H / video.videoHeight);
    const w = video.videoWidth * scale;
    const h = video.videoHeight * scale;
    ctx.save();
    if (segment.mirror) {
      ctx.translate(W, 0);
      ctx.scale(-1, 1);
    }
    ctx.drawImage(video, (W - w) / 2, (H - h) / 2, w, h);
    ctx.restore();
    if (config.reflect) reflect(ctx);
  };

  // The screen's light on the face: while the check flashes a colour, tint the middle of the frame
  // (where the face is) with it, strongest at the centre, as a face near a screen would reflect it.
  const reflect = (ctx) => {
    const flash = document.querySelector('liveproof-check')?.shadowRoot?.querySelector('[part~="flash"]');
    const colour = flash && getComputedStyle(flash).backgroundColor;
    const rgb = colour && colour.match(/\d+/g);
    if (!rgb) return;
    const [r, g, b] = rgb;
    const gradient = ctx.createRadialGradient(W * 0.55, H * 0.45, 0, W * 0.55, H * 0.45, H * 0.45);
    gradient.addColorStop(0, `rgba(${r}, ${g}, ${b}, ${config.reflection})`);
    gradient.addColorStop(0.6, `rgba(${r}, ${g}, ${b}, ${config.reflection * 0.8})`);
    gradient.addColorStop(1, `rgba(${r}, ${g}, ${b}, 0)`);
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, W, H);
  };

  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    if (!constraints || !constraints.video) return original(constraints);
    if (!canvas) {
      canvas = document.createElement('canvas');
      canvas.dataset.harness = 'actor';
      canvas.width = W;
      canvas.height = H;
      // Load every clip before the camera "opens", as a real camera has no loading pauses.
      const files = new Set([config.neutral.file, ...Object.values(config.actions).map((s) => s.file)]);
      await Promise.all([...files].map((file) => ready(videoFor(file))));
      setInterval(draw, 1000 / 30);
      await play(config.neutral, true);
    }
    return canvas.captureStream(30);
  };

  document.addEventListener('liveproof-prompt', (event) => {
    const { challenge } = event.detail;
    const [min, max] = config.delayMs;
    // A simulated remote-control loop adds its own delay to every answer (uniform in loopDelayMs).
    const [loopMin, loopMax] = config.loopDelayMs ?? [0, 0];
    const loop = loopMin + random() * (loopMax - loopMin);
    const entry = { challenge, promptedAt: performance.now(), delayMs: Math.round(min + random() * (max - min) + loop) };
    log.push(entry);
    // The light challenge asks to keep still and look at the screen: a person settles back to neutral.
    const segment = challenge === 'light' ? { ...config.neutral, loop: true } : config.actions[challenge];
    if (config.unresponsive || !segment) return;
    setTimeout(() => {
      entry.playedAt = performance.now();
      void play(segment, segment.loop === true).then(() => {
        entry.showingAt = performance.now();
      });
    }, entry.delayMs);
  });
})();
