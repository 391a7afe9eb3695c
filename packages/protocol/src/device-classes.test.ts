import { describe, expect, it } from 'vitest';
import { candidateAddress, classifyCameraLabel, classifyLocalAddress, classifyRenderer, isRemoteCadence } from './device-classes.ts';

// These test the classifier on the strings real devices report; which of them a headless browser
// here can really produce is tested in apps/server/test/device.test.ts.
describe('the device classes', () => {
  it('classes WebGL renderers: hardware, software, a virtual machine adapter, none', () => {
    expect(classifyRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002504) Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe('hardware');
    expect(classifyRenderer('Apple M2')).toBe('hardware');
    expect(classifyRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe('software');
    expect(classifyRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe('software');
    expect(classifyRenderer('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe('software');
    expect(classifyRenderer('ANGLE (VMware, Inc., VMware SVGA 3D Direct3D11 vs_4_1 ps_4_1, D3D11)')).toBe('virtual_machine');
    expect(classifyRenderer('ANGLE (Oracle Corporation, VirtualBox Graphics Adapter (WDDM), D3D11)')).toBe('virtual_machine');
    expect(classifyRenderer('ANGLE (Microsoft, Microsoft Remote Display Adapter Direct3D11, D3D11)')).toBe('virtual_machine');
    expect(classifyRenderer(null)).toBe('none');
  });

  it('classes local addresses without keeping them', () => {
    expect(classifyLocalAddress('10.0.2.15')).toBe('virtual_machine');
    expect(classifyLocalAddress('10.211.55.4')).toBe('virtual_machine');
    expect(classifyLocalAddress('10.8.0.6')).toBe('vpn_tunnel');
    expect(classifyLocalAddress('10.5.0.2')).toBe('vpn_tunnel');
    expect(classifyLocalAddress('100.101.102.103')).toBe('cgnat');
    expect(classifyLocalAddress('192.168.1.23')).toBe('private');
    expect(classifyLocalAddress('10.20.30.40')).toBe('private');
    expect(classifyLocalAddress('8.8.4.4')).toBe('public');
    expect(classifyLocalAddress('198.51.100.2')).toBe('other');
    expect(classifyLocalAddress('2a01:4f8::1')).toBe('ipv6');
    expect(classifyLocalAddress('fe80::1')).toBe('ipv6_local');
    expect(classifyLocalAddress('fd7a:115c:a1e0::1')).toBe('ipv6_local');
    expect(classifyLocalAddress('0d1c5e8a-2f4b-4b8e-9a77-6f0f3b7a9c11.local')).toBe('mdns');
    expect(classifyLocalAddress('999.1.1.1')).toBe('other');
    expect(candidateAddress('candidate:842163049 1 udp 1677729535 10.0.2.15 46154 typ host generation 0')).toBe('10.0.2.15');
    expect(candidateAddress('garbage')).toBeNull();
  });

  it('classes camera labels: a virtual machine, a remote session, USB with its id, none', () => {
    expect(classifyCameraLabel('HD Pro Webcam C920 (046d:082d)')).toBe('usb');
    expect(classifyCameraLabel('FaceTime HD Camera')).toBe('no_usb_id');
    expect(classifyCameraLabel('VMware Virtual USB Video Device')).toBe('virtual_machine');
    expect(classifyCameraLabel('Citrix HDX Web Camera')).toBe('remote_session');
    expect(classifyCameraLabel('Remote Desktop Camera')).toBe('remote_session');
    expect(classifyCameraLabel('')).toBe('none');
    expect(isRemoteCadence(30)).toBe(true);
    expect(isRemoteCadence(60)).toBe(false);
  });
});
