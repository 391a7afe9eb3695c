/**
 * Classes of what the candidate's page reports about its device: the WebGL renderer, the local
 * addresses its WebRTC connection gathered, the camera's label. The element sends classes, never
 * the raw renderer string or a private address; the server classifies the camera label it
 * already receives. All of it is the page's word: a controlled browser can report anything, so
 * these raise doubt (signals), never proof.
 */

/**
 * The WebGL renderer: a hardware GPU, a software rasteriser (SwiftShader, llvmpipe, Microsoft's
 * Basic Render Driver: no GPU, as in most virtual machines and remote sessions, or a GPU the
 * browser blocked), a virtual machine's or remote session's display adapter, or no WebGL at all.
 */
export type RendererClass = 'hardware' | 'software' | 'virtual_machine' | 'none';

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|offscreen/i;
const VM_ADAPTERS = /vmware|svga3d|virtualbox|vbox|parallels|qxl|virgl|virtio|hyper-v|microsoft remote display|citrix|red hat|bochs|cirrus/i;

export function classifyRenderer(renderer: string | null): RendererClass {
  if (renderer === null) return 'none';
  if (VM_ADAPTERS.test(renderer)) return 'virtual_machine';
  if (SOFTWARE_RENDERERS.test(renderer)) return 'software';
  return 'hardware';
}

/**
 * A local address's class: a virtual machine's default NAT or host-only network (VirtualBox,
 * Parallels), a VPN client's default tunnel address (OpenVPN, NordLynx, ProtonVPN, WireGuard
 * installers), carrier-grade NAT space (100.64.0.0/10: mobile carriers, and Tailscale, Cloudflare
 * WARP), other private space, a public address, an IPv6 address (global or not), or an mDNS name
 * (the browser hid the address: no camera permission yet, or a policy).
 */
export const LOCAL_ADDRESS_CLASSES = ['virtual_machine', 'vpn_tunnel', 'cgnat', 'private', 'public', 'ipv6', 'ipv6_local', 'mdns', 'other'] as const;
export type LocalAddressClass = (typeof LOCAL_ADDRESS_CLASSES)[number];

/** [network, prefix bits, class, who uses it]; the first match wins. */
const IPV4_CLASSES: [string, number, LocalAddressClass][] = [
  ['10.0.2.0', 24, 'virtual_machine'], // VirtualBox NAT (the guest is 10.0.2.15)
  ['192.168.56.0', 24, 'virtual_machine'], // VirtualBox host-only
  ['10.211.55.0', 24, 'virtual_machine'], // Parallels shared network
  ['10.37.129.0', 24, 'virtual_machine'], // Parallels host-only
  ['10.8.0.0', 24, 'vpn_tunnel'], // OpenVPN's default server network
  ['10.5.0.2', 32, 'vpn_tunnel'], // NordLynx (NordVPN's WireGuard)
  ['10.2.0.2', 32, 'vpn_tunnel'], // ProtonVPN's WireGuard
  ['10.7.0.0', 24, 'vpn_tunnel'], // the common wireguard-install script's default
  ['10.66.66.0', 24, 'vpn_tunnel'], // another common WireGuard installer's default
  ['100.64.0.0', 10, 'cgnat'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['169.254.0.0', 16, 'other'],
  ['127.0.0.0', 8, 'other'],
  ['192.0.2.0', 24, 'other'], // documentation (RFC 5737)
  ['198.51.100.0', 24, 'other'],
  ['203.0.113.0', 24, 'other'],
  ['0.0.0.0', 8, 'other'],
  ['224.0.0.0', 3, 'other'],
];

function ipv4Value(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function classifyLocalAddress(address: string): LocalAddressClass {
  const text = address.trim().toLowerCase();
  if (text.endsWith('.local')) return 'mdns';
  if (text.includes(':')) return /^(fe[89ab]|f[cd])/.test(text) ? 'ipv6_local' : 'ipv6';
  const value = ipv4Value(text);
  if (value === null) return 'other';
  for (const [network, bits, kind] of IPV4_CLASSES) {
    const size = 2 ** (32 - bits);
    const start = ipv4Value(network)!;
    if (value >= start && value < start + size) return kind;
  }
  return 'public';
}

/**
 * The canonical text of a machine's local addresses, for a digest that links candidates on one
 * machine, or null when the set would not tell machines apart: mDNS names are new each session,
 * and one private IPv4 address alone (a router's `192.168.1.x`) is shared by countless homes. A
 * set with an IPv6 address (64 bits of interface id) or two IPv4 addresses is distinctive enough
 * to show a reviewer.
 */
export function localSetDigestInput(addresses: Iterable<string>): string | null {
  const set = [...new Set([...addresses].map((a) => a.trim().toLowerCase()))].filter((a) => a && !a.endsWith('.local')).sort();
  const distinctive = set.some((a) => a.includes(':')) || set.length >= 2;
  return distinctive ? `liveproof-local-v1\n${set.join('\n')}` : null;
}

/** The address in an ICE candidate line (`candidate:… 1 udp 2122260223 192.168.1.5 54321 typ host …`). */
export function candidateAddress(candidate: string): string | null {
  const fields = candidate.replace(/^a=/, '').split(' ');
  return fields.length >= 8 ? (fields[4] ?? null) : null;
}

/**
 * The camera's label: a known virtual camera product (decided by the server's own list), a
 * virtual machine's passed-through camera, a camera redirected into a remote session (Citrix,
 * Microsoft Remote Desktop, VMware Horizon, Amazon WorkSpaces), a USB camera (Chromium appends the
 * vendor:product id to USB devices' labels), a label without that id (built-in cameras on some
 * laptops, Macs, and software that names its own device), or no label.
 */
export type CameraClass = 'virtual_machine' | 'remote_session' | 'usb' | 'no_usb_id' | 'none';

const VM_CAMERAS = /vmware virtual|virtualbox|vbox|parallels|qemu|hyper-v/i;
const REMOTE_CAMERAS = /citrix|\bhdx\b|remote ?desktop|\brdp\b|redirected|teradici|pcoip|horizon|workspaces|\bavd\b|parsec/i;
const USB_ID = /\([0-9a-f]{4}:[0-9a-f]{4}\)\s*$/i;

export function classifyCameraLabel(label: string): CameraClass {
  if (!label.trim()) return 'none';
  if (VM_CAMERAS.test(label)) return 'virtual_machine';
  if (REMOTE_CAMERAS.test(label)) return 'remote_session';
  return USB_ID.test(label) ? 'usb' : 'no_usb_id';
}

/** Frame cadence near 30 a second: what default Windows remote-desktop sessions deliver. */
export function isRemoteCadence(hz: number): boolean {
  return hz >= 27 && hz <= 33;
}
