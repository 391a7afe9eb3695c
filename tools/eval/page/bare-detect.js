// Times bare FaceLandmarker.detectForVideo on the page's camera stream, with the same options as
// the element, for comparison with the element's whole per-frame pipeline (injected as is).
// MediaPipe's files are the ones the server's manifest names, as for the element.
window.__liveproofBareDetect = async (manifestPath, frames) => {
  const manifestUrl = new URL(manifestPath, location.href);
  const manifest = await (await fetch(manifestUrl)).json();
  const at = (path) => new URL(path, manifestUrl).href;
  const vision = await import(at(manifest.loader));
  const fileset = await vision.FilesetResolver.forVisionTasks(at(manifest.wasm));
  const landmarker = await vision.FaceLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: at(manifest.model), delegate: 'CPU' },
    runningMode: 'VIDEO',
    numFaces: 2,
    outputFaceBlendshapes: true,
    outputFacialTransformationMatrixes: true,
  });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
  await video.play();
  const times = [];
  await new Promise((resolve) => {
    const step = () => {
      const started = performance.now();
      landmarker.detectForVideo(video, started);
      times.push(performance.now() - started);
      if (times.length >= frames) resolve();
      else video.requestVideoFrameCallback(step);
    };
    video.requestVideoFrameCallback(step);
  });
  landmarker.close();
  for (const track of video.srcObject.getTracks()) track.stop();
  return times.slice(10); // the first frames include warm-up
};
