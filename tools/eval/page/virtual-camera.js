// A virtual camera (injected as is, after the actor): the stream the page gets looks like a real
// capture device named like a virtual-camera product, as OBS Virtual Camera, ManyCam and the like
// appear to browsers. Configuration: window.__liveproofVirtualCameraLabel.
(() => {
  const label = window.__liveproofVirtualCameraLabel;
  if (!label) return;
  const inner = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await inner(constraints);
    for (const track of stream.getVideoTracks()) {
      // A device's track, as a virtual camera's is, not a canvas's (the actor draws into one).
      if (typeof CanvasCaptureMediaStreamTrack === 'function' && track instanceof CanvasCaptureMediaStreamTrack) Object.setPrototypeOf(track, MediaStreamTrack.prototype);
      const settings = track.getSettings.bind(track);
      Object.defineProperty(track, 'label', { get: () => label });
      track.getSettings = () => ({ ...settings(), deviceId: 'virtual-camera-0', groupId: 'virtual-camera' });
    }
    return stream;
  };
})();
