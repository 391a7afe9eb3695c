/**
 * The camera as a reactive controller: opened on request, always stopped on disconnect. Errors
 * become stable codes the element can explain (denied, missing, busy). When the page hands over a
 * stream (interview mode), it is used as is and left running for its owner.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LiveproofError, type DeviceInfo } from '@liveproof/protocol';

const CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 }, facingMode: 'user' },
};

export class CameraController implements ReactiveController {
  stream: MediaStream | undefined;
  #owned = false;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  async open(provided: MediaStream | undefined, signal: AbortSignal): Promise<MediaStream> {
    if (this.stream && this.stream === provided) return provided;
    this.stop();
    if (provided) {
      this.stream = provided;
      this.#owned = false;
      return provided;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new LiveproofError('unsupported_browser', 'This browser cannot use a camera here. Use a recent browser over HTTPS.');
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
    } catch (error) {
      throw cameraError(error);
    }
    if (signal.aborted) {
      // Cancelled while the browser was opening the camera: turn it straight off again.
      for (const track of stream.getTracks()) track.stop();
      signal.throwIfAborted();
    }
    this.stream = stream;
    this.#owned = true;
    return stream;
  }

  device(): DeviceInfo {
    const track = this.stream?.getVideoTracks()[0];
    const settings = track?.getSettings() ?? {};
    const canvasTrack = typeof CanvasCaptureMediaStreamTrack === 'function' && track instanceof CanvasCaptureMediaStreamTrack;
    const info: DeviceInfo = {
      // Chromium labels a canvas's track with a random id, new for every track: no camera's name,
      // and it would make every such stream look like another device.
      cameraLabel: canvasTrack ? '' : (track?.label ?? ''),
      width: settings.width ?? 0,
      height: settings.height ?? 0,
      userAgent: navigator.userAgent,
      webdriver: navigator.webdriver === true,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
    if (settings.frameRate !== undefined) info.frameRate = settings.frameRate;
    info.deviceId = Boolean(settings.deviceId);
    info.groupId = Boolean(settings.groupId);
    info.canvasTrack = canvasTrack;
    if (!this.#owned && this.stream) info.providedStream = true;
    return info;
  }

  stop(): void {
    if (this.#owned) for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.#owned = false;
  }

  hostDisconnected(): void {
    this.stop();
  }
}

function cameraError(error: unknown): LiveproofError {
  const name = error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new LiveproofError('camera_denied', 'Camera access was blocked. Allow the camera for this site, then try again.', { cause: error });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new LiveproofError('camera_not_found', 'No camera was found. Connect a camera, then try again.', { cause: error });
    case 'NotReadableError':
    case 'AbortError':
      return new LiveproofError('camera_in_use', 'The camera is busy in another application. Close it there, then try again.', { cause: error });
    default:
      return new LiveproofError('camera_not_found', 'The camera could not be started.', { cause: error });
  }
}

/** Plays `stream` in `video` and resolves once it shows a frame (or rejects when `signal` aborts). */
export async function playStream(video: HTMLVideoElement, stream: MediaStream, signal: AbortSignal): Promise<HTMLVideoElement> {
  if (video.srcObject !== stream) video.srcObject = stream;
  await video.play().catch(() => undefined);
  if (video.readyState < 2) {
    await new Promise((resolve, reject) => {
      video.addEventListener('loadeddata', resolve, { once: true });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
  return video;
}
