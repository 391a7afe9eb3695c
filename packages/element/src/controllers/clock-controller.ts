/** Calls `tick` every `everyMs` while the host is connected: relative times ("4 min ago") stay true. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ClockController implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    host: ReactiveControllerHost,
    readonly everyMs: number,
    readonly tick: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(this.tick, this.everyMs);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
