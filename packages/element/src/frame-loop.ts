/**
 * The per-frame loop as a reactive controller: for each new camera frame, measure light, run the
 * face engine, read the face's colour, and hand the trace frame to the element. One frame in flight at a time; frames that
 * arrive while one is analysed are skipped, never queued. Stops on disconnect.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TraceFrame } from '@liveproof/protocol';
import type { FaceEngine } from './engine.ts';
import { FrameMeter, analyseFrame } from './frame-meter.ts';

export type FrameHandler = (frame: TraceFrame, now: number) => void;

export interface FrameLoopStats {
  /** Milliseconds spent per processed frame (light + engine + feature extraction). */
  processingMs: number[];
  frames: number;
}

export class FrameLoopController implements ReactiveController {
  readonly stats: FrameLoopStats = { processingMs: [], frames: 0 };
  #video: HTMLVideoElement | undefined;
  #engine: FaceEngine | undefined;
  #handler: FrameHandler | undefined;
  #meter: FrameMeter | undefined;
  #running = false;
  #callbackId = 0;
  #lastMediaTime = -1;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  start(video: HTMLVideoElement, engine: FaceEngine, handler: FrameHandler): void {
    this.stop();
    this.#video = video;
    this.#engine = engine;
    this.#handler = handler;
    this.#meter ??= new FrameMeter();
    this.#running = true;
    this.#schedule();
  }

  /** Replace what happens with each frame without restarting the loop. */
  setHandler(handler: FrameHandler): void {
    this.#handler = handler;
  }

  stop(): void {
    this.#running = false;
    if (this.#video && 'cancelVideoFrameCallback' in this.#video) this.#video.cancelVideoFrameCallback(this.#callbackId);
    else cancelAnimationFrame(this.#callbackId);
  }

  hostDisconnected(): void {
    this.stop();
  }

  #schedule(): void {
    const video = this.#video;
    if (!this.#running || !video) return;
    if ('requestVideoFrameCallback' in video) {
      this.#callbackId = video.requestVideoFrameCallback(() => this.#process());
    } else {
      // No frame callbacks: poll on animation frames and skip repeats of the same frame.
      this.#callbackId = requestAnimationFrame(() => {
        const mediaTime = (video as HTMLVideoElement).currentTime;
        if (mediaTime !== this.#lastMediaTime) {
          this.#lastMediaTime = mediaTime;
          this.#process();
        } else this.#schedule();
      });
    }
  }

  #process(): void {
    const video = this.#video;
    if (!this.#running || !video || !this.#engine || !this.#handler) return;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      const started = performance.now();
      const frame = analyseFrame(this.#engine, this.#meter!, video, started, started);
      const now = performance.now();
      this.stats.frames++;
      this.stats.processingMs.push(now - started);
      if (this.stats.processingMs.length > 2000) this.stats.processingMs.shift();
      this.#handler(frame, now);
    }
    this.#schedule();
  }
}
