// A photo held up to the camera (injected as is): replaces getUserMedia with a canvas stream of a
// still image, either perfectly still or moved as a hand moves a printed photo (a slow slide,
// tilt, small rotation and slight zoom, with a little tremor). Configuration comes from
// window.__liveproofPresenterConfig, set by presenter.ts.
(() => {
  const config = window.__liveproofPresenterConfig;
  if (!config) return;
  const W = 640;
  const H = 480;
  let seed = config.seed >>> 0 || 1;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const phase = () => random() * Math.PI * 2;
  const motion = {
    slide: [18 * random() + 6, 0.25 + random() * 0.4, phase()],
    lift: [10 * random() + 4, 0.2 + random() * 0.4, phase()],
    rotate: [(2 + 2 * random()) * (Math.PI / 180), 0.2 + random() * 0.3, phase()],
    zoom: [0.02 + 0.03 * random(), 0.15 + random() * 0.3, phase()],
    tilt: [(5 + 7 * random()) * (Math.PI / 180), 0.2 + random() * 0.3, phase()],
  };
  const wave = ([amplitude, hz, offset], t) => amplitude * Math.sin(2 * Math.PI * hz * t + offset);
  let tremorX = 0;
  let tremorY = 0;

  const image = new Image();
  const loaded = new Promise((resolve, reject) => {
    image.onload = resolve;
    image.onerror = reject;
  });
  image.src = config.imageUrl;

  let canvas;
  const started = performance.now();
  const draw = () => {
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#202020';
    ctx.fillRect(0, 0, W, H);
    const scale = Math.max(W / image.naturalWidth, H / image.naturalHeight) * config.fill;
    const w = image.naturalWidth * scale;
    const h = image.naturalHeight * scale;
    ctx.save();
    ctx.translate(W / 2, H / 2);
    if (config.motion === 'hand') {
      const t = (performance.now() - started) / 1000;
      tremorX = tremorX * 0.8 + (random() - 0.5) * 0.8;
      tremorY = tremorY * 0.8 + (random() - 0.5) * 0.8;
      ctx.translate(wave(motion.slide, t) + tremorX, wave(motion.lift, t) + tremorY);
      ctx.rotate(wave(motion.rotate, t));
      const zoom = 1 + wave(motion.zoom, t);
      // A photo tilted about its vertical axis looks narrower.
      ctx.scale(zoom * Math.cos(wave(motion.tilt, t)), zoom);
    }
    ctx.drawImage(image, -w / 2, -h / 2, w, h);
    ctx.restore();
  };

  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    if (!constraints || !constraints.video) return original(constraints);
    if (!canvas) {
      await loaded;
      canvas = document.createElement('canvas');
      canvas.dataset.harness = 'actor';
      canvas.width = W;
      canvas.height = H;
      setInterval(draw, 1000 / 30);
      draw();
    }
    return canvas.captureStream(30);
  };
})();
