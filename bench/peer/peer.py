#!/usr/bin/python3
"""PyTorch peer of `npm run bench`: the same FC and Conv2 training work, timed the same way.

Run with Debian's python3 (it sees python3-torch; a pyenv python earlier on PATH does not) and
OPENBLAS_NUM_THREADS=1 (OpenBLAS threads fight torch's own: FC gets ~5x slower). The bench starts it
as `/usr/bin/python3 bench/peer/peer.py --json ...` with that environment.

Work, matching bench/engine-bench.ts:
  fc     LeNet-300-100 (784-300-100-10, ReLU), batch 60, Adam lr 1.2e-3, masked like a pruning round:
         each kernel keeps a random share (0.8^3 hidden, 0.9^3 output) and pruned entries stay 0
         (forward uses the zeroed weights; their gradients are zeroed before each Adam step, so Adam
         never moves them, as our masked optimizer does). Iterations per second.
  conv2  Z19 Conv-2: conv3x3 64, conv3x3 64, maxpool 2x2, dense 256, 256, 10 on 32x32x3, batch 60,
         Adam lr 2e-4. Seconds per training step.
Random inputs (speed does not depend on pixel values), a warm-up, then the median of several repeats.
Prints one JSON object on stdout with --json, else a short human summary.
"""
import argparse
import json
import os
import statistics
import sys
import time


def settings(torch):
    """Thread and BLAS settings that decide the numbers, as reported by torch itself."""
    config = torch.__config__.show()
    blas = "unknown"
    for line in config.splitlines():
        if "BLAS_INFO" in line:
            blas = line.split("=", 1)[1].strip().rstrip(",")
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch_threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "blas": blas,
        "blas_library": loaded_blas(),
    }


def loaded_blas():
    """The BLAS shared object this process mapped (Debian's alternatives pick it), from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
        return [os.path.realpath(p) for p in libs]
    except OSError:
        return []


def make_adam(torch, params, lr):
    """torch.optim.Adam in its fastest stock form: the multi-tensor ("foreach") update where this torch
    has it (≈20% faster FC steps on one thread than the default per-tensor loop)."""
    try:
        return torch.optim.Adam(params, lr=lr, foreach=True)
    except TypeError:
        return torch.optim.Adam(params, lr=lr)


def masked_keep(torch, weight, keep, generator):
    """0/1 mask keeping about `keep` of the entries (seeded)."""
    return (torch.rand(weight.shape, generator=generator) < keep).to(weight.dtype)


def bench_fc(torch, iterations, repeats, masked=True):
    nn = torch.nn
    gen = torch.Generator().manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
    kernels = [m.weight for m in model if isinstance(m, nn.Linear)]
    masks = []
    if masked:
        keeps = [0.8**3, 0.8**3, 0.9**3]
        with torch.no_grad():
            for w, keep in zip(kernels, keeps):
                m = masked_keep(torch, w, keep, gen)
                w.mul_(m)
                masks.append(m)
    opt = make_adam(torch, model.parameters(), 1.2e-3)
    loss_fn = nn.CrossEntropyLoss()
    n = 10_000
    images = torch.rand((n, 784), generator=gen)
    labels = torch.arange(n) % 10

    def run(steps):
        perm = torch.randperm(n, generator=gen)
        pos = 0
        for _ in range(steps):
            if pos + 60 > n:
                perm = torch.randperm(n, generator=gen)
                pos = 0
            idx = perm[pos:pos + 60]
            pos += 60
            x, y = images[idx], labels[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            for w, m in zip(kernels, masks):
                w.grad.mul_(m)
            opt.step()
        return float(loss)  # one host read at the end, as ours

    run(max(1, iterations // 5))  # warm-up
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(iterations)
        rates.append(iterations / (time.perf_counter() - t0))
    return {"median": statistics.median(rates), "samples": rates, "unit": "it/s"}


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
    opt = make_adam(torch, model.parameters(), 2e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand((60, 3, 32, 32), generator=gen)
    y = torch.arange(60) % 10

    def run(k):
        for _ in range(k):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        return float(loss)

    run(2)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(steps)
        times.append((time.perf_counter() - t0) / steps)
    return {"median": statistics.median(times), "samples": times, "unit": "s/step"}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fc-iterations", type=int, default=500)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--conv-steps", type=int, default=5)
    p.add_argument("--conv-repeats", type=int, default=3)
    p.add_argument("--skip-conv", action="store_true")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1, like one wasm run)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    try:
        import torch
    except ImportError as err:
        out = {"available": False, "reason": f"{sys.executable} cannot import torch ({err}); install python3-torch"}
        print(json.dumps(out) if args.json else out["reason"])
        return 3
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = {"available": True, "settings": settings(torch)}
    out["fc_masked"] = bench_fc(torch, args.fc_iterations, args.repeats, masked=True)
    out["fc_dense"] = bench_fc(torch, args.fc_iterations, args.repeats, masked=False)
    if not args.skip_conv:
        out["conv2"] = bench_conv2(torch, args.conv_steps, args.conv_repeats)
    out["settings"]["blas_library"] = loaded_blas()
    if args.json:
        print(json.dumps(out))
    else:
        s = out["settings"]
        print(f"torch {s['torch']}, {s['torch_threads']} thread(s), OPENBLAS_NUM_THREADS={s['OPENBLAS_NUM_THREADS']}, BLAS {s['blas_library']}")
        print(f"FC masked: {out['fc_masked']['median']:.1f} it/s; dense {out['fc_dense']['median']:.1f} it/s")
        if "conv2" in out:
            print(f"Conv2: {out['conv2']['median']:.3f} s/step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
