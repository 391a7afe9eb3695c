/**
 * A face thread: measures high-assurance crops with the face model (Human on TensorFlow.js's
 * WebAssembly backend), loaded once per thread on its first crop, off the server's event loop.
 */
import { createFaceAnalyser, type FaceAnalyser } from '@liveproof/faces';

let analyser: Promise<FaceAnalyser> | undefined;

export default async function measure(input: { jpeg: Uint8Array; embed: boolean }) {
  analyser ??= createFaceAnalyser().catch((error: unknown) => {
    analyser = undefined;
    throw error;
  });
  return (await analyser).measure(input.jpeg, { embed: input.embed });
}
