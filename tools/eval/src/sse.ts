/** Reads server-sent events from a response body as they arrive, for tests of the session event stream. */
export interface SseMessage {
  event: string;
  data: unknown;
}

export interface SseReader {
  /** The next event (keep-alive comments skipped), or an error after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage>;
  cancel(): Promise<void>;
}

export function readServerSentEvents(response: Response): SseReader {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue;
          const field = (name: string) =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          return { event: field('event') ?? 'message', data: JSON.parse(field('data') ?? 'null') as unknown };
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no server-sent event in time')), Math.max(1, deadline - Date.now()))));
        const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
        if (chunk.done) throw new Error('the event stream ended');
        buffer += chunk.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}
