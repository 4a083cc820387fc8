#!/usr/bin/env python3
"""PyTorch's column of the bench: the protocol of src/worker.ts (JSON lines in on stdin, out on
fd 3), the same workloads, one thread. Run with Debian's /usr/bin/python3 (python3-torch); the
bench sets OPENBLAS_CORETYPE to the best kernel for the CPU in this command's environment only.
"""
import ctypes
import ctypes.util
import json
import os
import resource
import sys
import time

answers = os.fdopen(3, "w", buffering=1)


def answer(obj):
    answers.write(json.dumps(obj) + "\n")


try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the column then says "not installed"
    answer({"unavailable": f"not installed ({e.name}; apt-get install python3-torch)"})
    sys.exit(0)

torch.set_num_threads(1)
torch.manual_seed(0)


def openblas_core():
    """The kernel OpenBLAS picked for this CPU (it may mis-detect one; see TOOLCHAIN.md)."""
    for name in ("libopenblas.so.0", "libopenblasp.so.0", ctypes.util.find_library("openblas")):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError, TypeError):
            continue
    return "unknown"


def values(n, seed):
    return (torch.rand(n, generator=torch.Generator().manual_seed(seed)) * 2 - 1).float()


def prepare(w):
    kind = w["kind"]
    if kind == "matmul":
        n = w["n"]
        a, b = values(n * n, 1).view(n, n), values(n * n, 2).view(n, n)
        return lambda: torch.matmul(a, b)
    if kind == "tinyAdd":
        a, b = torch.tensor([1.0]), torch.tensor([2.0])
        return lambda: torch.add(a, b)
    if kind == "chain":
        if w["fused"]:
            return "no fusion on the CPU in PyTorch 1.13 eager mode"
        a, b, c, d = (values(w["n"], k) * 0.5 for k in range(4))
        return lambda: torch.tanh(torch.exp(a * b + c) - d)
    if kind in ("softmax", "logsumexp"):
        x = values(w["rows"] * w["cols"], 3).view(w["rows"], w["cols"])
        if kind == "softmax":
            return lambda: torch.softmax(x, -1)
        return lambda: torch.logsumexp(x, -1)
    if kind == "mlp":
        sizes, batch = w["sizes"], w["batch"]
        layers = []
        for i in range(len(sizes) - 1):
            if i > 0:
                layers.append(torch.nn.ReLU())
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        model = torch.nn.Sequential(*layers)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = values(batch * sizes[0], 4).view(batch, sizes[0])
        y = torch.tensor([(i * 7 + 3) % sizes[-1] for i in range(batch)])

        def step():
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

        return step
    return f"unknown workload {kind}"


def main():
    core = openblas_core()
    answer({"description": f"PyTorch {torch.__version__}, 1 thread, OpenBLAS kernel {core}"})
    step = None
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["cmd"] == "prepare":
                step = prepare(req["workload"])
                if isinstance(step, str):
                    answer({"skip": step})
                    step = None
                else:
                    answer({"ok": True})
            elif req["cmd"] == "time":
                t0 = time.perf_counter()
                for _ in range(req["iters"]):
                    step()
                answer({"seconds": time.perf_counter() - t0})
            elif req["cmd"] == "rss":
                answer({"maxRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})
            else:
                answer({"error": f"unknown command {req['cmd']}"})
        except Exception as e:  # reported in the table's notes, the run goes on
            answer({"error": f"{type(e).__name__}: {e}"})


main()
