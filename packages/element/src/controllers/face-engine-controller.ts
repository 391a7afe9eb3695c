/**
 * The face model as a reactive controller: loaded once on first use (and again after a failed
 * load), closed when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createFaceEngine, type FaceEngine } from '../engine.ts';

export class FaceEngineController implements ReactiveController {
  readonly #assetsBase: () => string;
  #engine: Promise<FaceEngine> | undefined;

  constructor(host: ReactiveControllerHost, assetsBase: () => string) {
    this.#assetsBase = assetsBase;
    host.addController(this);
  }

  /** The loaded engine; a load that failed is tried afresh by the next call. */
  load(): Promise<FaceEngine> {
    this.#engine ??= createFaceEngine({ assetsBase: this.#assetsBase() }).catch((error: unknown) => {
      this.#engine = undefined;
      throw error;
    });
    return this.#engine;
  }

  hostDisconnected(): void {
    void this.#engine?.then((engine) => engine.close()).catch(() => undefined);
    this.#engine = undefined;
  }
}
