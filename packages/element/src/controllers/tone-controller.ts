/**
 * The step cue: a short, soft two-note tone when a step is done that the candidate performs with
 * the screen out of view (the profile turn: "hold until the tone"). One AudioContext per element,
 * made on the first tone (the Start click before it counts as the page's user activation) and
 * closed on disconnect. Where audio is unavailable or blocked, the check goes on without it: the
 * prompt and the live region say the same.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Notes (Hz) and their length (s): a rising fifth, quiet enough to sit under a call's audio. */
const NOTES = [660, 990] as const;
const NOTE_S = 0.12;
const GAIN = 0.12;

export class ToneController implements ReactiveController {
  #context: AudioContext | undefined;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    void this.#context?.close().catch(() => undefined);
    this.#context = undefined;
  }

  play(): void {
    try {
      const context = (this.#context ??= new AudioContext());
      if (context.state === 'suspended') void context.resume().catch(() => undefined);
      const start = context.currentTime + 0.01;
      NOTES.forEach((frequency, i) => {
        const oscillator = new OscillatorNode(context, { type: 'sine', frequency });
        const gain = new GainNode(context, { gain: 0 });
        const at = start + i * NOTE_S;
        // A short attack and decay: no click at either end.
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(GAIN, at + 0.015);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_S);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + NOTE_S + 0.02);
      });
    } catch {
      // No Web Audio here: the prompt and the announcement carry the step on their own.
    }
  }
}
