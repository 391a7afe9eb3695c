/**
 * The network probes of one attempt, run beside its challenges: the UDP probe (a WebRTC
 * connection to the server's responder) and a few round trips the server times itself. What they
 * bring back goes into the signed result; none of it decides the page's verdict, and a probe that
 * fails is simply absent (no UDP, no timing: facts, never failures).
 *
 * The round trips run in a small worker when the page allows one (`worker-src blob:`): the main
 * thread is busy with the face model, and every moment it keeps an answer waiting is added to the
 * figure. Where the page's policy refuses the worker, they run on the main thread instead.
 */
import type { Plan, ResultNetwork, RttRequest } from '@liveproof/protocol';
import type { ApiClient } from './api.ts';
import { startUdpProbe } from './udp-probe.ts';

/**
 * Rounds per attempt, spread over the check: each is one request that starts the server's clock
 * and one sent the moment its answer arrives (the sample). The smallest sample counts.
 */
export const RTT_ROUNDS = 6;
const RTT_PAUSE_MS = 350;
const FINISH_WAIT_MS = 200;

export interface NetworkProbes {
  /** Ends the probes (idempotent); `finish` still reads what they measured. */
  stop(): void;
  /** What the result carries: the server's last echo and the UDP path's round trip. */
  finish(): Promise<ResultNetwork | undefined>;
}

interface RttJob {
  url: string;
  rounds: number;
  pauseMs: number;
}

/** The round trips; self-contained, so it can run as a worker's whole source. `report` gets each new echo. */
async function rttRounds(job: RttJob, report: (echo: string) => void, running: () => boolean): Promise<void> {
  const post = async (body: RttRequest): Promise<string> => {
    const response = await fetch(job.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`rtt ${response.status}`);
    return ((await response.json()) as { echo: string }).echo;
  };
  let echo: string | undefined;
  for (let i = 0; i < job.rounds && running(); i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, job.pauseMs));
    echo = await post(echo ? { echo, restart: true } : {});
    if (!running()) break;
    echo = await post({ echo });
    report(echo);
  }
}

const WORKER_SOURCE = `const rttRounds = ${rttRounds.toString()};
self.onmessage = (event) => rttRounds(event.data, (echo) => self.postMessage(echo), () => true).catch(() => undefined).finally(() => { self.postMessage(null); self.close(); });`;

/** Runs the rounds in a worker; false when the page's policy refuses one. */
function inWorker(job: RttJob, report: (echo: string) => void): { stop(): void; done: Promise<void> } | null {
  let worker: Worker;
  let url: string;
  try {
    url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    worker = new Worker(url);
  } catch {
    return null;
  }
  URL.revokeObjectURL(url);
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  // Each new echo, then null when the rounds are over (the result need not wait for them).
  worker.onmessage = (event: MessageEvent<string | null>) => (event.data === null ? settle() : report(event.data));
  worker.onerror = () => settle();
  worker.postMessage(job);
  return {
    stop: () => {
      worker.terminate();
      settle();
    },
    done,
  };
}

export function startNetworkProbes(api: Pick<ApiClient, 'rttJob'>, attemptId: string, ice: Plan['ice'], rounds = RTT_ROUNDS): NetworkProbes {
  const udp = startUdpProbe(ice);
  const job: RttJob = { ...api.rttJob(attemptId), rounds, pauseMs: RTT_PAUSE_MS };
  let echo: string | undefined;
  let running = true;
  const report = (value: string) => void (echo = value);
  const worker = inWorker(job, report);
  const pings = worker ? worker.done : rttRounds(job, report, () => running).catch(() => undefined);
  let udpRttMs: Promise<number | undefined> | undefined;
  const stop = () => {
    running = false;
    // Read the UDP round trip before the connection closes.
    udpRttMs ??= udp.rttMs().finally(() => udp.stop());
  };
  return {
    stop,
    async finish() {
      stop();
      // A round trip still under way is waited for briefly, never at the verdict's expense.
      const [, udpMs] = await Promise.all([Promise.race([pings, new Promise((resolve) => setTimeout(resolve, FINISH_WAIT_MS))]), udpRttMs]);
      worker?.stop();
      const network: ResultNetwork = {};
      if (echo) network.rtt = echo;
      if (udpMs !== undefined) network.udpRttMs = udpMs;
      const local = udp.localClasses();
      if (local.length) network.localAddresses = local;
      const localSet = await udp.localSet();
      if (localSet) network.localSet = localSet;
      return Object.keys(network).length ? network : undefined;
    },
  };
}
