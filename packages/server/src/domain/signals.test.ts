import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceSignals, isVirtualCameraLabel } from './signals.ts';

describe("the page's camera, as its label and track tell", () => {
  it('names the virtual cameras and the fake capture files, not real cameras', () => {
    for (const label of ['OBS Virtual Camera', 'ManyCam Virtual Webcam', 'fake_device_0', '/tmp/clip.y4m', '/home/op/streams/persona', 'C:\\clips\\persona.mjpeg']) {
      expect(isVirtualCameraLabel(label), label).toBe(true);
    }
    for (const label of ['Integrated Camera (04f2:b6dd)', 'FaceTime HD Camera', 'Logitech BRIO (046d:085e)', 'HD Pro Webcam C920', '']) {
      expect(isVirtualCameraLabel(label), label).toBe(false);
    }
  });

  it("does not read a canvas track's random label as a camera's name", () => {
    // Chromium labels every canvas track with a random base64 id; one in 64 starts with a slash.
    const ids = Array.from({ length: 200 }, (_, i) => `/${randomBytes(64).toString('base64').slice(1)}${i}`);
    for (const label of ids) expect(isVirtualCameraLabel(label), label).toBe(false);
    const canvas = { cameraLabel: '/V4cb0+DtCclWejM0ag2FtQjdBFP0+6Q25bJ==', width: 640, height: 480, canvasTrack: true, deviceId: true, groupId: false };
    expect(deviceSignals(canvas)).toEqual(['injected_stream']);
  });
});
