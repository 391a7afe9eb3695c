/**
 * The screen-light challenge's colours, as a reactive controller: on every display frame (not
 * camera frame) it asks the runner which colour must show and hands it to the element; stopped at
 * the end of the challenges, on a cancel and on disconnect. Esc while a colour shows calls `onEscape`:
 * nobody should have to sit through flashing colours.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LightColour } from '@liveproof/protocol';
import type { CheckRunner } from '../runner.ts';

export class LightController implements ReactiveController {
  readonly #show: (colour: LightColour | undefined) => void;
  readonly #onEscape: () => void;
  #raf = 0;
  #showing: LightColour | undefined;

  constructor(host: ReactiveControllerHost, show: (colour: LightColour | undefined) => void, onEscape: () => void) {
    this.#show = (colour) => show((this.#showing = colour));
    this.#onEscape = onEscape;
    host.addController(this);
  }

  readonly #onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.#showing !== undefined) this.#onEscape();
  };

  hostConnected(): void {
    addEventListener('keydown', this.#onKeyDown);
  }

  start(runner: CheckRunner): void {
    this.stop();
    const tick = () => {
      this.#show(runner.tickLight(performance.now()));
      this.#raf = requestAnimationFrame(tick);
    };
    tick();
  }

  stop(): void {
    cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#show(undefined);
  }

  hostDisconnected(): void {
    removeEventListener('keydown', this.#onKeyDown);
    this.stop();
  }
}
