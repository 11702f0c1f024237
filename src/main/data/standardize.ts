// Per-image standardisation (SCIENCE.md §4, K22 inputs): each image to zero mean and unit variance,
// exactly like tf.image.per_image_standardization: (x − mean) / max(std, 1/√N), N = pixels·channels
// of one image, std the population standard deviation. The floor keeps constant images finite.

/**
 * Standardise `count` images of `pixelsPerImage` bytes each (h·w·c, any layout) into a new
 * Float32Array of the same length. Sums are taken over the integer bytes in float64, so the mean
 * and variance are exact before the final division.
 */
export function standardizePerImage(images: Uint8Array, count: number, pixelsPerImage: number): Float32Array {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(pixelsPerImage) || pixelsPerImage <= 0) {
    throw new RangeError(`standardizePerImage: bad count ${count} or pixelsPerImage ${pixelsPerImage}`);
  }
  if (images.length !== count * pixelsPerImage) {
    throw new RangeError(
      `standardizePerImage: ${images.length} bytes given, expected count × pixelsPerImage = ${count} × ${pixelsPerImage} = ${count * pixelsPerImage}`,
    );
  }
  const out = new Float32Array(images.length);
  const minStd = 1 / Math.sqrt(pixelsPerImage);
  for (let i = 0; i < count; i++) {
    const start = i * pixelsPerImage;
    const end = start + pixelsPerImage;
    let sum = 0;
    let sumSq = 0;
    for (let k = start; k < end; k++) {
      const x = images[k];
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / pixelsPerImage;
    const variance = Math.max(0, sumSq / pixelsPerImage - mean * mean);
    const scale = 1 / Math.max(Math.sqrt(variance), minStd);
    for (let k = start; k < end; k++) out[k] = (images[k] - mean) * scale;
  }
  return out;
}
