/**
 * Bounds on open event streams: per token, per client address and per process. A stream is a held
 * socket, so without bounds one token could hold thousands of them. Streams also close when their
 * token or their session expires, or when their viewer token is revoked (`routes/viewer.ts`).
 */
import { LiveproofError } from '@liveproof/protocol';
import type { StreamLimits } from '../config.ts';

export interface StreamRegistry {
  /** Takes a slot for a new stream, or throws `too_many_streams`; returns the release. */
  open(token: string, address: string | null): () => void;
  readonly size: number;
}

export function createStreamRegistry(limits: StreamLimits): StreamRegistry {
  const byToken = new Map<string, number>();
  const byAddress = new Map<string, number>();
  let total = 0;
  const bump = (map: Map<string, number>, key: string, by: number) => {
    const next = (map.get(key) ?? 0) + by;
    if (next <= 0) map.delete(key);
    else map.set(key, next);
  };
  return {
    open(token, address) {
      const where = address ?? 'unknown';
      if (total >= limits.perProcess) throw new LiveproofError('too_many_streams', 'This server has too many open event streams; retry shortly.');
      if ((byToken.get(token) ?? 0) >= limits.perToken) throw new LiveproofError('too_many_streams', `At most ${limits.perToken} event streams may be open on one token.`);
      if ((byAddress.get(where) ?? 0) >= limits.perAddress) throw new LiveproofError('too_many_streams', `At most ${limits.perAddress} event streams may be open from one address.`);
      total++;
      bump(byToken, token, 1);
      bump(byAddress, where, 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        bump(byToken, token, -1);
        bump(byAddress, where, -1);
      };
    },
    get size() {
      return total;
    },
  };
}
