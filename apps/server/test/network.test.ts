/**
 * The network facts, through the real parts on this machine: the built server as its own process
 * with its ICE-lite responder on a real UDP port, the element in real Chromium completing a check
 * with the responsive actor, and the record, the token and introspection read back over HTTP.
 * The namespace lab (network-lab.test.ts) puts the browser on other networks; here the browser and
 * the server share one machine, as in the README's start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import {
  createSession,
  getSession,
  installCooperativeActor,
  launchBrowser,
  openCheck,
  recordEvents,
  screenshot,
  startServer,
  waitForPass,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

let server: RunningServer;
const browsers: LaunchedBrowser[] = [];

async function cooperativePage(args: string[] = []): Promise<Page> {
  const browser = await launchBrowser({ args });
  browsers.push(browser);
  const page = await browser.context.newPage();
  await recordEvents(page);
  await installCooperativeActor(page);
  return page;
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
});

describe('the UDP probe and the dated lists', () => {
  it("observes the browser's UDP path during the check and names the lists' date in the record and the token", async () => {
    expect(server.output()).toMatch(/ICE responder:\s+udp 127\.0\.0\.1 port \d+/);
    expect(server.output()).toMatch(/IP lists:\s+dated 2026-08-22 \(X4BNet\/lists_vpn@167937a\)/);
    const page = await cooperativePage();
    const session = await createSession(server, { candidateRef: 'cand-udp', interviewRef: 'int-udp', audience: 'dev-ats' });
    await openCheck(page, server, session.clientToken);
    const { outcome } = await waitForPass(page);
    await screenshot(page, 'network-udp-probe-passed');
    const attempt = (await getSession(server, session.id)).attempts.at(-1)! as { risk: Record<string, any>; signals: string[] };
    // Browser and server on one machine: the browser's checks leave from one of the machine's own
    // addresses towards 127.0.0.1, which is the same host, not another network.
    expect(attempt.risk.observed.udp).toMatchObject({ relation: expect.stringMatching(/^(same_host|same_address)$/) });
    expect(attempt.risk.observed.udp.addresses).toBeGreaterThanOrEqual(1);
    expect(attempt.risk.observed.lists).toEqual({ date: '2026-08-22', source: 'X4BNet/lists_vpn@167937a' });
    expect(attempt.risk.observed.http).toMatchObject({ family: 4, scope: 'loopback', country: null, lists: [] });
    expect(attempt.signals).not.toContain('network_path_mismatch');
    // The web round trips the server timed itself (six, back to back), and the UDP path's as the
    // browser measured it: on one machine, both a few milliseconds, so no relay is seen.
    expect(attempt.risk.observed.rtt).toMatchObject({ samples: 6, httpMs: expect.any(Number) });
    expect(attempt.risk.observed.rtt.httpMs).toBeLessThan(50);
    expect(attempt.risk.reported.udpRttMs).toEqual(expect.any(Number));
    expect(attempt.signals).not.toContain('proxy_timing');
    // The token carries the same facts, apart from the page's reports, with no address in them.
    const claims = decodeJwt(outcome.detail.token as string) as Record<string, any>;
    expect(claims.risk.observed).toEqual(attempt.risk.observed);
    expect(JSON.stringify(claims.risk)).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
    // Introspection answers with them too.
    const introspected = await fetch(`${server.url}/v1/tokens/introspect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: outcome.detail.token }),
    }).then((r) => r.json());
    expect(introspected).toMatchObject({ active: true, risk: { observed: { udp: attempt.risk.observed.udp } } });
  });

  it('records "no UDP" when no binding request reaches the responder, and the check still passes', async () => {
    // A deployment whose UDP port browsers cannot reach (a load balancer without UDP, a firewall):
    // here the server tells browsers a documentation address (RFC 5737) where nothing answers.
    const unreachable = await startServer({ LIVEPROOF_ICE_ADDRESS: '192.0.2.1' });
    try {
      expect(unreachable.output()).toMatch(/ICE responder:\s+udp 192\.0\.2\.1 port \d+/);
      const page = await cooperativePage();
      const session = await createSession(unreachable, { candidateRef: 'cand-noudp', interviewRef: 'int-noudp', audience: 'dev-ats' });
      await openCheck(page, unreachable, session.clientToken);
      const { outcome } = await waitForPass(page);
      const record = await getSession(unreachable, session.id);
      expect(outcome.detail, JSON.stringify(record.attempts)).toMatchObject({ result: 'pass' });
      const attempt = (await getSession(unreachable, session.id)).attempts.at(-1)! as { risk: Record<string, any>; signals: string[] };
      expect(attempt.risk.observed.udp).toEqual({ relation: 'none', addresses: 0 });
      expect(attempt.signals.filter((s) => /udp|network/.test(s))).toEqual([]);
    } finally {
      await unreachable.stop();
    }
  });
});
