/**
 * What the page reports about its device beyond the camera: the WebGL renderer's class, the
 * page's frame cadence, and a digest of the device's traits. Classes, one rounded number and a
 * hash, never the renderer's own name nor the traits: the class tells a software rasteriser or a
 * virtual machine's adapter; the digest lets the server see one device behind several candidates.
 * All of it is the page's word (labelled `reported` by the server).
 */
import { classifyRenderer, type RendererClass } from '@liveproof/protocol';

let renderer: { name: string; kind: RendererClass } | undefined;

/** The WebGL renderer's name and class, read once per page (a context is made and released at once). */
function readRenderer(): { name: string; kind: RendererClass } {
  if (renderer) return renderer;
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl');
    if (!(gl instanceof WebGLRenderingContext)) return (renderer = { name: '', kind: 'none' });
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const value = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    const name = typeof value === 'string' ? value : '';
    renderer = { name, kind: classifyRenderer(name) };
  } catch {
    renderer = { name: '', kind: 'none' };
  }
  return renderer;
}

/** The WebGL renderer's class. */
export const rendererClass = (): RendererClass => readRenderer().kind;

/** SHA-256 of `text`, base64url; undefined for null or where WebCrypto is missing. */
export async function digest(text: string | null): Promise<string | undefined> {
  if (text === null || !globalThis.crypto?.subtle) return undefined;
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A digest of the device's traits with its camera's label (which names a USB camera's vendor and product). */
export function deviceFingerprint(cameraLabel: string): Promise<string | undefined> {
  const nav = navigator as Navigator & { deviceMemory?: number };
  const traits = [
    'liveproof-device-v1',
    nav.userAgent,
    [...(nav.languages ?? [])].join(','),
    nav.hardwareConcurrency ?? '',
    nav.deviceMemory ?? '',
    nav.maxTouchPoints ?? '',
    `${screen.width}x${screen.height}x${screen.colorDepth}@${devicePixelRatio}`,
    Intl.DateTimeFormat().resolvedOptions().timeZone,
    readRenderer().name,
    cameraLabel,
  ];
  return digest(traits.join('\n')).catch(() => undefined);
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
