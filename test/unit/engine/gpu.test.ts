// "GPU trust": diagnoseGpu on libtensorflow start-up logs recorded by users of tfjs-node-gpu.
import { describe, expect, it } from 'vitest';
import { diagnoseGpu } from '../../../src/main/engine/gpu';

// tensorflow/tfjs#8269 "tfjs-node-gpu warnings (not running in GPU mode)": tfjs-node-gpu 4.19.0 on
// Ubuntu 22.04 with only CUDA 12.4 installed; mnist-node trained on the CPU. (The report's excerpt ends
// after these lines.)
const TFJS_8269 = `2024-05-06 00:05:33.711121: I tensorflow/stream_executor/cuda/cuda_gpu_executor.cc:975] successful NUMA node read from SysFS had negative value (-1), but there must be at least one NUMA node, so returning NUMA node zero
2024-05-06 00:05:33.767399: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file: No such file or directory`;

// tensorflow/tensorflow#74459 "GPU not detected": `import * as tf from "@tensorflow/tfjs-node-gpu"; await tf.ready();`
const TF_74459 = `2024-08-24 15:40:49.275109: I tensorflow/core/util/util.cc:169] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable \`TF_ENABLE_ONEDNN_OPTS=0\`.
2024-08-24 15:40:49.279326: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory
2024-08-24 15:40:49.279356: I tensorflow/stream_executor/cuda/cudart_stub.cc:29] Ignore above cudart dlerror if you do not have a GPU set up on your machine.`;

// JdeRobot/BehaviorMetrics#385: libtensorflow of the same generation (TF 2.9 paths) missing two libraries,
// then the summary lines it prints before falling back (LD_LIBRARY_PATH shortened).
const TWO_MISSING = `tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcusolver.so.11'; dlerror: libcusolver.so.11: cannot open shared object file: No such file or directory; LD_LIBRARY_PATH: /usr/local/nvidia/lib64
2022-07-10 15:08:09.276131: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file: No such file or directory; LD_LIBRARY_PATH: /usr/local/nvidia/lib64
2022-07-10 15:08:09.276917: W tensorflow/core/common_runtime/gpu/gpu_device.cc:1850] Cannot dlopen some GPU libraries. Please make sure the missing libraries mentioned above are installed properly if you would like to use GPU. Follow the guide at https://www.tensorflow.org/install/gpu for how to download and setup the required libraries for your platform.
Skipping registering GPU devices...`;

// tensorflow/tfjs#5993: tfjs-node-gpu 3.12 creating its GPU device (it worked; the issue was elsewhere).
const GPU_CREATED = `2022-01-07 17:59:30.382189: I tensorflow/core/platform/cpu_feature_guard.cc:151] This TensorFlow binary is optimized with oneAPI Deep Neural Network Library (oneDNN) to use the following CPU instructions in performance-critical operations:  AVX2
2022-01-07 17:59:30.835479: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1525] Created device /job:localhost/replica:0/task:0/device:GPU:0 with 6611 MB memory:  -> device: 0, name: NVIDIA GeForce GTX 1080, pci bus id: 0000:07:00.0, compute capability: 6.1`;

// NVIDIA/tensorflow#110: most libraries opened, one failed through a dependency of its own.
const OPENED_BUT_ONE = `2024-06-19 16:06:44.995157: I tensorflow/stream_executor/platform/default/dso_loader.cc:49] Successfully opened dynamic library libcudart.so.11.0
2024-06-19 16:06:44.996032: W tensorflow/stream_executor/platform/default/dso_loader.cc:60] Could not load dynamic library 'libcusolver.so.11'; dlerror: libnvJitLink.so.12: cannot open shared object file: No such file or directory
2024-06-19 16:06:44.996120: I tensorflow/stream_executor/platform/default/dso_loader.cc:49] Successfully opened dynamic library libcudnn.so.8
2024-06-19 16:06:44.996140: W tensorflow/core/common_runtime/gpu/gpu_device.cc:1689] Cannot dlopen some GPU libraries. Please make sure the missing libraries mentioned above are installed properly if you would like to use GPU.`;

// tensorflow/tfjs#8362 "CUDA version mismatch": tfjs-node-gpu with only CUDA 12.3 installed; the line ends
// with the LD_LIBRARY_PATH libtensorflow searched.
const TFJS_8362 =
  "2024-08-24 22:24:04.039287: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory; LD_LIBRARY_PATH: /usr/local/cuda:/usr/local/cuda/lib64:";

describe('diagnoseGpu', () => {
  it('reads the soname out of a line that ends with LD_LIBRARY_PATH (tfjs#8362, CUDA 12.3 only)', () => {
    const d = diagnoseGpu({ physicalDevices: ['CPU'], logText: TFJS_8362 });
    expect(d.gpuActive).toBe(false);
    expect(d.missing).toEqual(['libcudart.so.11.0']);
    expect(d.message).toMatch(/needs the CUDA 11\.2 runtime and cuDNN 8\.1 \(driver ≥ 450\) even when a newer CUDA is installed/);
  });

  it('recognises the silent CPU fallback when cuDNN 8 is missing (tfjs#8269, CUDA 12 only)', () => {
    const d = diagnoseGpu({ logText: TFJS_8269 });
    expect(d.gpuActive).toBe(false);
    expect(d.missing).toEqual(['libcudnn.so.8']);
    expect(d.message).toMatch(/silently train on the CPU/);
    expect(d.message).toMatch(/libcudnn\.so\.8 \(cuDNN 8\.1 for CUDA 11\.2\)/);
    expect(d.message).toMatch(/CUDA 11\.2 runtime and cuDNN 8\.1/);
  });

  it('recognises a missing CUDA 11 runtime (tensorflow#74459)', () => {
    const d = diagnoseGpu({ logText: TF_74459 });
    expect(d.gpuActive).toBe(false);
    expect(d.missing).toEqual(['libcudart.so.11.0']);
    expect(d.message).toMatch(/libcudart\.so\.11\.0 \(the CUDA 11\.2 runtime\)/);
  });

  it('lists every missing library once, in the order reported', () => {
    const d = diagnoseGpu({ logText: `${TWO_MISSING}\n${TWO_MISSING}` });
    expect(d.missing).toEqual(['libcusolver.so.11', 'libcudnn.so.8']);
    expect(d.gpuActive).toBe(false);
  });

  it('names the library that failed even when the cause is one of its dependencies', () => {
    const d = diagnoseGpu({ logText: OPENED_BUT_ONE });
    expect(d.missing).toEqual(['libcusolver.so.11']);
    expect(d.gpuActive).toBe(false);
  });

  it('trusts a created GPU device and names the GPU', () => {
    const d = diagnoseGpu({ logText: GPU_CREATED });
    expect(d.gpuActive).toBe(true);
    expect(d.missing).toEqual([]);
    expect(d.message).toBe('TensorFlow runs on the GPU (NVIDIA GeForce GTX 1080).');
  });

  it('lets the device list decide when it is known', () => {
    expect(diagnoseGpu({ physicalDevices: ['/physical_device:CPU:0', '/physical_device:GPU:0'], logText: '' }).gpuActive).toBe(true);
    expect(diagnoseGpu({ physicalDevices: ['GPU'], logText: '' }).gpuActive).toBe(true);
    const cpuOnly = diagnoseGpu({ physicalDevices: ['CPU'], logText: TFJS_8269 });
    expect(cpuOnly.gpuActive).toBe(false);
    expect(cpuOnly.missing).toEqual(['libcudnn.so.8']);
    expect(diagnoseGpu({ physicalDevices: ['CPU'], logText: GPU_CREATED }).gpuActive).toBe(false);
  });

  it('says so plainly when there is no evidence either way', () => {
    const d = diagnoseGpu({ logText: '' });
    expect(d.gpuActive).toBe(false);
    expect(d.message).toMatch(/reported no GPU device/);
  });

  it('points at the driver when only libcuda.so.1 is missing, and at cuInit failures', () => {
    const noDriver = diagnoseGpu({
      logText: "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcuda.so.1'; dlerror: libcuda.so.1: cannot open shared object file: No such file or directory",
    });
    expect(noDriver.missing).toEqual(['libcuda.so.1']);
    expect(noDriver.message).toMatch(/NVIDIA driver/);
    const noDevice = diagnoseGpu({ logText: 'E tensorflow/stream_executor/cuda/cuda_driver.cc:271] failed call to cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected' });
    expect(noDevice.message).toMatch(/CUDA_ERROR_NO_DEVICE/);
  });
});
