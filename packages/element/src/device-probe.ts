/**
 * What the page reports about its device beyond the camera: the WebGL renderer's class and the
 * page's frame cadence. Classes and one rounded number, never the renderer's own name: enough to
 * tell a software rasteriser or a virtual machine's adapter, too little to fingerprint anyone.
 * All of it is the page's word (labelled `reported` by the server).
 */
import { classifyRenderer, type RendererClass } from '@liveproof/protocol';

let renderer: RendererClass | undefined;

/** The WebGL renderer's class, read once per page (a context is made and released at once). */
export function rendererClass(): RendererClass {
  if (renderer) return renderer;
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl');
    if (!(gl instanceof WebGLRenderingContext)) return (renderer = 'none');
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    renderer = classifyRenderer(typeof name === 'string' ? name : '');
  } catch {
    renderer = 'none';
  }
  return renderer;
}

export interface CadenceMeter {
  /** Frames per second over what was measured (the median interval); undefined with too few frames. */
  hz(): number | undefined;
  stop(): void;
}

/**
 * Measures the page's animation-frame cadence for up to `maxMs`. Run it while the face model is
 * idle: a main thread busy with detection drops frames, which would read as a slow screen.
 */
export function measureCadence(maxMs = 1000): CadenceMeter {
  const intervals: number[] = [];
  let last: number | undefined;
  let handle = 0;
  const started = performance.now();
  const tick = (now: number) => {
    if (last !== undefined) intervals.push(now - last);
    last = now;
    handle = now - started < maxMs ? requestAnimationFrame(tick) : 0;
  };
  handle = requestAnimationFrame(tick);
  return {
    hz() {
      if (intervals.length < 10) return undefined;
      const sorted = [...intervals].sort((a, b) => a - b);
      const median = sorted[sorted.length >> 1]!;
      return median > 0 ? Math.round(1000 / median) : undefined;
    },
    stop: () => cancelAnimationFrame(handle),
  };
}
