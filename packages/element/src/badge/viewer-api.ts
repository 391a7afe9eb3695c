/**
 * The badge's calls to the Liveproof server with a viewer token: asking for a witnessed re-check,
 * and fetching the reference image of a passed check. Each answers in the interviewer's words or
 * with nothing; neither throws.
 */
export class ViewerApi {
  constructor(
    readonly base: string,
    readonly sessionId: string,
    readonly viewerToken: string,
  ) {}

  #headers(): HeadersInit {
    return { authorization: `Bearer ${this.viewerToken}` };
  }

  /** Asks the candidate's element for a re-check: what to tell the interviewer. */
  async requestRecheck(): Promise<string> {
    try {
      const response = await fetch(`${this.base}/v1/sessions/${encodeURIComponent(this.sessionId)}/rechecks`, { method: 'POST', headers: this.#headers() });
      if (response.ok) return 'Re-check requested: waiting for the candidate’s page to start it.';
      const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      return `Could not ask for a re-check: ${body.error?.message ?? response.status}`;
    } catch {
      return 'Could not reach the Liveproof server.';
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
