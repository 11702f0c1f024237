#!/usr/bin/python3
"""PyTorch peer of `npm run bench`: the same FC and Conv2 training work, timed the same way.

Run it with Debian's python3 (it sees python3-torch; a pyenv python earlier on PATH does not) and
OPENBLAS_NUM_THREADS=1 (OpenBLAS threads fight torch's own: FC gets ~5x slower). The bench starts it as
`/usr/bin/python3 bench/peer/peer.py --json ...` with that environment; run it by hand the same way:

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peer/peer.py

Work, matching bench/engine-bench.ts:
  fc     LeNet-300-100 (784-300-100-10, ReLU), batch 60, Adam lr 1.2e-3, masked like pruning round 3:
         each kernel keeps a seeded random share (0.8^3 hidden, 0.9^3 output) and pruned entries stay 0
         (forward uses the zeroed weights; their gradients are zeroed before each Adam step, so Adam never
         moves them, as our masked optimizer does). Batches gathered from 10,000 staged images by a
         per-epoch permutation, as our trainer does. Iterations per second.
  conv2  Z19 Conv-2: conv3x3 64, conv3x3 64, maxpool 2x2, dense 256, 256, 10 on 32x32x3, batch 60,
         Adam lr 2e-4. Seconds per training step.
  Adam is torch's multi-tensor ("foreach") variant where available: the fastest stock form.
Random inputs (speed does not depend on pixel values), a warm-up, then the median of several repeats.
Also reported: the settings that decide the numbers (torch version, threads, BLAS library and the core
OpenBLAS tuned for, the CPU), a single-thread sgemm rate (what this CPU allows), and peak RSS.
Prints one JSON object on stdout with --json, else a short summary. Exit code 3: torch is missing.
"""
import argparse
import ctypes
import json
import os
import resource
import statistics
import sys
import time


def loaded_blas():
    """The BLAS shared objects this process mapped (Debian's alternatives pick them), from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
        return [os.path.realpath(p) for p in libs]
    except OSError:
        return []


def openblas_core(libs):
    """OpenBLAS's own name of the CPU kernels it selected (e.g. 'Haswell', 'Zen', 'SkylakeX'), if OpenBLAS."""
    for path in libs:
        if "openblas" not in path:
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def settings(torch):
    """Thread and BLAS settings that decide the numbers, as reported by torch itself."""
    blas_info = "unknown"
    for part in torch.__config__.show().replace("\n", ",").split(","):
        if "BLAS_INFO" in part:
            blas_info = part.split("=", 1)[1].strip()
    libs = loaded_blas()
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch_threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "blas_info": blas_info,
        "blas_libraries": libs,
        "openblas_core": openblas_core(libs),
        "cpu": cpu_model(),
    }


def make_adam(torch, params, lr):
    """torch.optim.Adam in its fastest stock form: the multi-tensor ("foreach") update where this torch
    has it (about 20% faster FC steps on one thread than the default per-tensor loop)."""
    try:
        return torch.optim.Adam(params, lr=lr, foreach=True), "foreach"
    except TypeError:
        return torch.optim.Adam(params, lr=lr), "default"


def timed(run, amount, repeats, per_step):
    """Median over `repeats` timed calls of run(amount), after one warm-up call."""
    run(max(1, amount // 5) if not per_step else 1)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(amount)
        elapsed = time.perf_counter() - t0
        samples.append(elapsed / amount if per_step else amount / elapsed)
    return {"median": statistics.median(samples), "samples": samples}


def bench_fc(torch, iterations, repeats, masked):
    nn = torch.nn
    gen = torch.Generator().manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
    kernels = [m.weight for m in model if isinstance(m, nn.Linear)]
    masks = []
    if masked:
        with torch.no_grad():
            for w, keep in zip(kernels, [0.8**3, 0.8**3, 0.9**3]):
                m = (torch.rand(w.shape, generator=gen) < keep).to(w.dtype)
                w.mul_(m)
                masks.append(m)
    opt, adam = make_adam(torch, model.parameters(), 1.2e-3)
    loss_fn = nn.CrossEntropyLoss()
    n = 10_000
    images = torch.rand((n, 784), generator=gen)
    labels = torch.arange(n) % 10
    state = {"perm": torch.randperm(n, generator=gen), "pos": 0}

    def run(steps):
        loss = None
        for _ in range(steps):
            if state["pos"] + 60 > n:
                state["perm"], state["pos"] = torch.randperm(n, generator=gen), 0
            idx = state["perm"][state["pos"]:state["pos"] + 60]
            state["pos"] += 60
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(images[idx]), labels[idx])
            loss.backward()
            for w, m in zip(kernels, masks):
                w.grad.mul_(m)
            opt.step()
        return float(loss)  # one host read per call, as our trainer reads losses rarely

    out = timed(run, iterations, repeats, per_step=False)
    out.update(unit="it/s", adam=adam)
    return out


def bench_conv2(torch, steps, repeats):
    nn = torch.nn
    gen = torch.Generator().manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 16 * 64, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )
    opt, adam = make_adam(torch, model.parameters(), 2e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand((60, 3, 32, 32), generator=gen)
    y = torch.arange(60) % 10

    def run(k):
        loss = None
        for _ in range(k):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        return float(loss)

    out = timed(run, steps, repeats, per_step=True)
    out.update(unit="s/step", adam=adam)
    return out


def sgemm_gflops(torch, size=1024, repeats=5):
    """Single-thread float32 matrix multiply rate: what this CPU and BLAS allow at best."""
    a = torch.rand((size, size))
    b = torch.rand((size, size))
    a @ b  # warm-up (OpenBLAS's first calls are slower)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * size**3 / best / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fc-iterations", type=int, default=500)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--conv-steps", type=int, default=2)
    p.add_argument("--conv-repeats", type=int, default=3)
    p.add_argument("--skip-conv", action="store_true")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1, like one wasm run)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    try:
        import torch
    except ImportError as err:
        out = {"available": False, "reason": f"{sys.executable} cannot import torch ({err}): install python3-torch"}
        print(json.dumps(out) if args.json else out["reason"])
        return 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = {"available": True}
    out["fc_masked"] = bench_fc(torch, args.fc_iterations, args.repeats, masked=True)
    out["fc_dense"] = bench_fc(torch, args.fc_iterations, args.repeats, masked=False)
    if not args.skip_conv:
        out["conv2"] = bench_conv2(torch, args.conv_steps, args.conv_repeats)
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["sgemm_gflops"] = sgemm_gflops(torch)
    out["settings"] = settings(torch)  # after the work: the BLAS libraries are mapped by then
    if args.json:
        print(json.dumps(out))
    else:
        s = out["settings"]
        print(f"torch {s['torch']}, {s['torch_threads']} thread(s), OPENBLAS_NUM_THREADS={s['OPENBLAS_NUM_THREADS']}, "
              f"BLAS {s['blas_libraries']} (core {s['openblas_core']}), CPU {s['cpu']}")
        print(f"FC masked: {out['fc_masked']['median']:.1f} it/s; dense {out['fc_dense']['median']:.1f} it/s "
              f"(Adam {out['fc_masked']['adam']})")
        if "conv2" in out:
            print(f"Conv2: {out['conv2']['median']:.3f} s/step")
        print(f"sgemm 1024^3: {out['sgemm_gflops']:.1f} GFLOP/s; peak RSS {out['maxrss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
