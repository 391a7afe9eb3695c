/**
 * How alike two face embeddings are, 0..1, on the scale the `bench:faces` figures and the server's
 * thresholds use: the Euclidean distance, scaled by 25 and mapped from [0.2, 0.8] onto [0, 1] (the
 * normalisation Human documents for its own matcher; above about 0.5 its authors call it a match).
 * Plain arithmetic, so the server compares embeddings without loading a model.
 */
export function faceSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  if (sum === 0) return 1;
  const distance = Math.round(100 * 25 * sum) / 100;
  const normalised = (1 - Math.sqrt(distance) / 100 - 0.2) / 0.6;
  return Math.round(100 * Math.max(0, Math.min(1, normalised))) / 100;
}
