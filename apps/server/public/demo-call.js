// The demo's stand-in for a video-call product: the candidate's camera goes to the interviewer's
// page over a real WebRTC connection between two tabs of one browser, signalled over a
// BroadcastChannel named after the session. A hiring platform has its own call; Liveproof does not
// carry video.

/** Waits until the connection has gathered its ICE candidates, so one message carries them all. */
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 2000);
  });
}

/** The candidate's side: offers `stream` to whoever watches the session, again when they (re)join. */
export function sendCall(sessionId, stream) {
  const channel = new BroadcastChannel(`liveproof-demo-call-${sessionId}`);
  let pc;
  const offer = async () => {
    pc?.close();
    pc = new RTCPeerConnection();
    // Half resolution, 15 frames a second: the call must leave the candidate's CPU to the check.
    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings: [{ maxFramerate: 15, scaleResolutionDownBy: 2 }] });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    channel.postMessage({ type: 'offer', sdp: pc.localDescription.toJSON() });
  };
  channel.addEventListener('message', async ({ data }) => {
    if (data.type === 'hello') await offer();
    if (data.type === 'answer' && pc) await pc.setRemoteDescription(data.sdp);
  });
  void offer();
}

/** The interviewer's side: shows the candidate's video in `video` once the candidate's page offers it. */
export function receiveCall(sessionId, video) {
  const channel = new BroadcastChannel(`liveproof-demo-call-${sessionId}`);
  let pc;
  channel.addEventListener('message', async ({ data }) => {
    if (data.type !== 'offer') return;
    pc?.close();
    pc = new RTCPeerConnection();
    pc.addEventListener('track', (event) => {
      video.srcObject = event.streams[0];
    });
    await pc.setRemoteDescription(data.sdp);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    channel.postMessage({ type: 'answer', sdp: pc.localDescription.toJSON() });
  });
  channel.postMessage({ type: 'hello' });
}
