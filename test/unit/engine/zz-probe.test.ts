import { it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
it('stock grads', async () => {
  await tf.setBackend('cpu');
  const x = tf.tensor4d([1, 5, 3, 2, 0, 7, 1, 1], [1, 2, 4, 1]);
  const g = tf.grad((x: tf.Tensor4D) => tf.sum(tf.maxPool(x, 2, 2, 'valid')))(x);
  console.log(Array.from(g.dataSync()));
  const w = tf.grad((w: tf.Tensor) => tf.sum(tf.relu(tf.matMul(tf.ones([2, 3]), w as tf.Tensor2D))))(tf.ones([3, 2]));
  console.log(Array.from(w.dataSync()));
  expect(g.shape).toEqual([1, 2, 4, 1]);
});
