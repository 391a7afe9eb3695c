/**
 * The badge's calls to the Liveproof server with a viewer token: asking for a witnessed re-check,
 * and fetching the reference image of a passed check. Each answers with what to tell the
 * interviewer, or with nothing; neither throws.
 */

/** Where the interviewer's re-check request stands (the badge says it in the page's language). */
export type RecheckAsk = { state: 'sending' | 'requested' | 'unreachable' } | { state: 'refused'; why: string };

export class ViewerApi {
  constructor(
    readonly base: string,
    readonly sessionId: string,
    readonly viewerToken: string,
  ) {}

  #headers(): HeadersInit {
    return { authorization: `Bearer ${this.viewerToken}` };
  }

  /** Asks the candidate's element for a re-check. A refusal keeps the server's words (and code). */
  async requestRecheck(): Promise<RecheckAsk> {
    try {
      const response = await fetch(`${this.base}/v1/sessions/${encodeURIComponent(this.sessionId)}/rechecks`, { method: 'POST', headers: this.#headers() });
      if (response.ok) return { state: 'requested' };
      const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      return { state: 'refused', why: body.error?.message ?? String(response.status) };
    } catch {
      return { state: 'unreachable' };
    }
  }

  /** The attempt's reference image, when the integration keeps one and the token may see it. */
  async referenceImage(attemptId: string): Promise<Blob | undefined> {
    try {
      const response = await fetch(`${this.base}/v1/attempts/${encodeURIComponent(attemptId)}/reference-image`, { headers: this.#headers() });
      return response.ok ? await response.blob() : undefined;
    } catch {
      return undefined; // no image is no worse than before
    }
  }
}
