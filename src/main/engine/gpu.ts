// "GPU trust": tell the user plainly whether @tensorflow/tfjs-node-gpu really runs on the GPU.
//
// tfjs-node-gpu 4.x wraps libtensorflow 2.9, which dlopen()s the CUDA 11 runtime and cuDNN 8 at start-up.
// When they are missing (typically: only CUDA 12 installed) it does NOT fail: it writes lines like
//   W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library
//     'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory
// to stderr and silently trains on the CPU (ENGINE-NOTES.md, "GPU backend facts").
// This module is pure: it reads the captured log text (and, when known, the device list) and says which
// libraries are missing and what to install. No I/O, no tfjs.

/** One shared library libtensorflow 2.9 (tfjs-node-gpu 4.x) needs for the GPU, and what provides it. */
export interface GpuLibrary {
  /** The soname libtensorflow asks for, as it appears in its log. */
  soname: string;
  /** What the user must install to provide it. */
  providedBy: string;
}

/**
 * The libraries whose absence makes libtensorflow 2.9 skip GPU registration. The versions are fixed by
 * the libtensorflow build tfjs-node-gpu 4.x downloads (CUDA 11.2, cuDNN 8.1), whatever newer CUDA the
 * machine has.
 */
export const GPU_LIBRARIES: readonly GpuLibrary[] = [
  { soname: 'libcuda.so.1', providedBy: 'the NVIDIA driver (version 450 or newer)' },
  { soname: 'libcudart.so.11.0', providedBy: 'the CUDA 11.2 runtime' },
  { soname: 'libcublas.so.11', providedBy: 'CUDA 11.2 cuBLAS' },
  { soname: 'libcublasLt.so.11', providedBy: 'CUDA 11.2 cuBLAS' },
  { soname: 'libcufft.so.10', providedBy: 'CUDA 11.2 cuFFT' },
  { soname: 'libcurand.so.10', providedBy: 'CUDA 11.2 cuRAND' },
  { soname: 'libcusolver.so.11', providedBy: 'CUDA 11.2 cuSOLVER' },
  { soname: 'libcusparse.so.11', providedBy: 'CUDA 11.2 cuSPARSE' },
  { soname: 'libcudnn.so.8', providedBy: 'cuDNN 8.1 for CUDA 11.2' },
];

export interface GpuDiagnosis {
  /** True only when there is positive evidence that TensorFlow registered a GPU device. */
  gpuActive: boolean;
  /** Sonames libtensorflow reported it could not load, in the order they were first reported. */
  missing: string[];
  /** One or two plain sentences for the user. */
  message: string;
}

// "Could not load dynamic library 'libcudnn.so.8'; dlerror: ..." (libtensorflow's dso_loader).
const COULD_NOT_LOAD = /Could not load dynamic library '([^']+)'/g;
// "Successfully opened dynamic library libcudnn.so.8"
const OPENED = /Successfully opened dynamic library (\S+)/g;
// "Created device /job:localhost/replica:0/task:0/device:GPU:0 with 6611 MB memory: -> device: 0, name: ..."
const CREATED_GPU = /Created (?:TensorFlow )?device \S*device:GPU:\d+[^\n]*/;
const GPU_NAME = /name: ([^,\n]+)/;
// "Cannot dlopen some GPU libraries. ... Skipping registering GPU devices..."
const SKIPPING = /Cannot dlopen some GPU libraries|Skipping registering GPU devices/;
// No usable device although the libraries loaded (driver present, GPU absent or busy).
const CU_INIT_FAILED = /failed call to cuInit: (\S+)/;

function isGpuDeviceName(name: string): boolean {
  return /(^|[:/])GPU(:|$)/i.test(name) || /^gpu$/i.test(name);
}

function describeMissing(missing: string[]): string {
  const byProvider = new Map<string, string[]>();
  for (const soname of missing) {
    const known = GPU_LIBRARIES.find((l) => l.soname === soname);
    const provider = known?.providedBy ?? 'a library libtensorflow 2.9 expects';
    byProvider.set(provider, [...(byProvider.get(provider) ?? []), soname]);
  }
  return [...byProvider].map(([provider, libs]) => `${libs.join(', ')} (${provider})`).join('; ');
}

/**
 * Diagnose whether tfjs-node-gpu runs on the GPU from its start-up log (stderr of libtensorflow, captured
 * with TF_CPP_MIN_LOG_LEVEL=0) and, when known, the device list the backend reports. A device list with
 * a GPU entry is decisive; without one, a "Created device ...GPU:0" log line is.
 */
export function diagnoseGpu(input: { physicalDevices?: string[]; logText: string }): GpuDiagnosis {
  const log = input.logText ?? '';
  const opened = new Set([...log.matchAll(OPENED)].map((m) => m[1]));
  const missing: string[] = [];
  for (const m of log.matchAll(COULD_NOT_LOAD)) {
    const soname = m[1];
    if (!missing.includes(soname) && !opened.has(soname)) missing.push(soname);
  }
  const devices = input.physicalDevices;
  const createdLine = CREATED_GPU.exec(log)?.[0];
  const deviceSaysGpu = devices !== undefined && devices.some(isGpuDeviceName);
  const gpuActive = devices !== undefined ? deviceSaysGpu : createdLine !== undefined;

  if (gpuActive) {
    const name = createdLine ? GPU_NAME.exec(createdLine)?.[1]?.trim() : undefined;
    return { gpuActive, missing, message: `TensorFlow runs on the GPU${name ? ` (${name})` : ''}.` };
  }
  const fallback = 'tfjs-node-gpu found no usable GPU and would silently train on the CPU';
  if (missing.length > 0) {
    const needsCuda11 = missing.some((s) => s !== 'libcuda.so.1');
    const hint = needsCuda11
      ? ' tfjs-node-gpu 4.x needs the CUDA 11.2 runtime and cuDNN 8.1 (driver ≥ 450) even when a newer CUDA is installed;' +
        ' install them side by side and add their lib folders to LD_LIBRARY_PATH.'
      : ' Install the NVIDIA driver (version 450 or newer).';
    return { gpuActive, missing, message: `${fallback}: missing ${describeMissing(missing)}.${hint}` };
  }
  const cuInit = CU_INIT_FAILED.exec(log)?.[1];
  if (cuInit) {
    return { gpuActive, missing, message: `${fallback}: the CUDA driver found no usable device (${cuInit}).` };
  }
  if (SKIPPING.test(log)) {
    return { gpuActive, missing, message: `${fallback}: TensorFlow skipped registering GPU devices (see its log).` };
  }
  return { gpuActive, missing, message: `${fallback}: TensorFlow reported no GPU device.` };
}
