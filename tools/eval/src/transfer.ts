/**
 * Bytes a page moves over the network, as Chromium counts them (Chrome DevTools Protocol's
 * `encodedDataLength`: headers and the body as sent, compressed or not; nothing for a response
 * served from the browser's cache). Used by the benchmark for cold and warm visits.
 */
import type { Page } from 'playwright-core';

export interface TransferredRequest {
  url: string;
  status: number;
  bytes: number;
  encoding: string;
  fromCache: boolean;
}

export interface Transfer {
  bytes: number;
  requests: TransferredRequest[];
}

export interface TransferRecorder {
  /** What finished loading so far. */
  read(): Transfer;
  stop(): Promise<void>;
}

/** Starts counting the bytes `page` receives; call before it navigates. */
export async function recordTransfer(page: Page): Promise<TransferRecorder> {
  const cdp = await page.context().newCDPSession(page);
  const pending = new Map<string, Omit<TransferredRequest, 'bytes'>>();
  const finished: TransferredRequest[] = [];
  const servedFromCache = new Set<string>();
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
    pending.set(requestId, {
      url: response.url,
      status: response.status,
      encoding: headers['content-encoding'] ?? 'identity',
      fromCache: Boolean(response.fromDiskCache || response.fromPrefetchCache || response.fromServiceWorker || servedFromCache.has(requestId)),
    });
  });
  // Sent before the response when the memory cache answers.
  cdp.on('Network.requestServedFromCache', ({ requestId }) => servedFromCache.add(requestId));
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const request = pending.get(requestId);
    if (!request) return;
    pending.delete(requestId);
    finished.push({ ...request, bytes: encodedDataLength });
  });
  await cdp.send('Network.enable');
  return {
    read: () => ({ bytes: finished.reduce((sum, r) => sum + r.bytes, 0), requests: [...finished] }),
    stop: () => cdp.detach(),
  };
}
