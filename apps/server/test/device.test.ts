/**
 * The page's device classes in real Chromium, through the built server: the WebGL renderer's class
 * with Chromium's software renderer (what a machine without a GPU gets) and with WebGL disabled,
 * the frame cadence, the camera label's class. The classes a headless browser here cannot produce
 * (a hardware GPU, a VMware adapter, a camera redirected into a remote session, a 30-a-second
 * screen) come from page scripts that report those values: those cases test the classifier and
 * the signals through the whole product, not detection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { cooperativeCheck, startServer, type RunningServer } from '@liveproof/eval';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

interface Reported {
  renderer?: string;
  frameHz?: number;
  camera?: string;
  localAddresses?: string[];
  reactionMs?: number;
}

/** One check by the responsive actor; `initScript` runs in the page before anything else. */
async function check(name: string, options: { args?: string[]; initScript?: string } = {}): Promise<{ reported: Reported; signals: string[]; token: string }> {
  const { attempt, token, passed } = await cooperativeCheck(server, {
    browser: { args: options.args ?? [] },
    // No interview: the same check runs on an employee's company laptop, after the hire.
    session: { candidateRef: `employee-${name}`, interviewRef: undefined },
    ...(options.initScript ? { initScript: options.initScript } : {}),
    shot: `device-${name}`,
  });
  expect(passed).toBe(true);
  return { reported: attempt.risk.reported as Reported, signals: attempt.signals, token };
}

/** A page script that makes WebGL name `renderer` (what that GPU's driver would report). */
const rendererScript = (renderer: string) => `(() => {
  for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
    const original = proto.getParameter;
    proto.getParameter = function (name) { return name === 0x9246 || name === this.RENDERER ? ${JSON.stringify(renderer)} : original.call(this, name); };
  }
})();`;

describe("the page's device classes", () => {
  it("reads Chromium's software renderer as software (software_renderer), and the camera's label class", async () => {
    const { reported, signals, token } = await check('software');
    expect(reported.renderer).toBe('software');
    expect(signals).toContain('software_renderer');
    // The actor's camera is a canvas's track, which names no camera (the page leaves out its random id).
    expect(reported.camera).toBe('none');
    expect(reported.frameHz).toEqual(expect.any(Number));
    expect(reported.reactionMs).toBeGreaterThan(0);
    // The token carries the reported classes apart from the observed facts.
    const claims = decodeJwt(token) as { risk: { reported: Reported } };
    expect(claims.risk.reported).toMatchObject({ renderer: 'software', camera: 'none' });
    // A session outside any interview passes like any other, and its token names no interview.
    expect(claims).not.toHaveProperty('interview_ref');
    expect(claims).toMatchObject({ sub: 'employee-software', result: 'pass' });
  });

  it('reads no WebGL context at all as none (software_renderer)', async () => {
    const { reported, signals } = await check('no-webgl', { args: ['--disable-webgl', '--disable-3d-apis'] });
    expect(reported.renderer).toBe('none');
    expect(signals).toContain('software_renderer');
  });

  it('classes a reported hardware GPU and a reported VMware adapter (page scripts: the classifier, not detection)', async () => {
    const hardware = await check('hardware-gpu', { initScript: rendererScript('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)') });
    expect(hardware.reported.renderer).toBe('hardware');
    expect(hardware.signals).not.toContain('software_renderer');
    expect(hardware.signals).not.toContain('vm_indicators');
    const vmware = await check('vmware-adapter', { initScript: rendererScript('ANGLE (VMware, Inc., VMware SVGA 3D Direct3D11 vs_4_1 ps_4_1, D3D11)') });
    expect(vmware.reported.renderer).toBe('virtual_machine');
    expect(vmware.signals).toContain('vm_indicators');
  });

  it('raises remote_session_hint for a camera redirected into a remote session, and for a 30-a-second screen (page scripts)', async () => {
    const redirected = await check('redirected-camera', {
      // A redirected camera is a device's track, not the actor's canvas: the page cannot tell them apart here.
      initScript: `delete window.CanvasCaptureMediaStreamTrack; Object.defineProperty(MediaStreamTrack.prototype, 'label', { get() { return this.kind === 'video' ? 'Citrix HDX Web Camera' : ''; } });`,
    });
    expect(redirected.reported.camera).toBe('remote_session');
    expect(redirected.signals).toContain('remote_session_hint');
    // Animation frames every 33 ms, as a default Windows remote-desktop session paints.
    const cadence = await check('remote-cadence', {
      // Frames on a 30-a-second grid, as such a display gives them: each callback waits for the next
      // grid step and gets that step's time.
      initScript: `(() => {
        const raf = window.requestAnimationFrame.bind(window);
        const step = (now) => Math.floor((now * 30) / 1000);
        window.requestAnimationFrame = (cb) => {
          const asked = step(performance.now());
          const wait = (now) => (step(now) > asked ? cb((step(now) * 1000) / 30) : raf(wait));
          return raf(wait);
        };
      })();`,
    });
    expect(cadence.reported.frameHz).toBeGreaterThanOrEqual(27);
    expect(cadence.reported.frameHz).toBeLessThanOrEqual(33);
    expect(cadence.signals).toContain('remote_session_hint');
  });
});
