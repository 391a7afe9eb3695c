/**
 * @liveproof/faces: the server's own look at a face, for high-assurance checks. Node only; runs
 * Human's face models on TensorFlow.js's WebAssembly backend from installed files.
 */
export { createFaceAnalyser, MAX_CROP_BYTES, type FaceAnalyser } from './analyser.ts';
export { checkModels, FACE_MODELS } from './models.ts';
export type { FaceMeasure, Rgb } from './measure.ts';
export { cropRgb, encodeJpeg, type RgbImage } from './crop.ts';
export { faceSimilarity } from './similarity.ts';
