"""The learning rates apps/train/test/e2e.test.ts expects from `pnpm train --lr-schedule ...`,
from PyTorch's schedulers (run with /usr/bin/python3, torch 1.13). Prints JSON; the test
inlines the numbers (the e2e runs: --train-size 640, batch 64, i.e. 10 steps per epoch, Adam
lr 1e-3)."""
import json

import torch


def lrs(make, epochs, steps_per_epoch, per_batch, at):
    p = [torch.nn.Parameter(torch.zeros(1))]
    opt = torch.optim.Adam(p, lr=1e-3)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        for step in range(1, steps_per_epoch + 1):
            opt.step()
            if per_batch:
                sched.step()
            if at == "step" and step == steps_per_epoch:
                out.append(opt.param_groups[0]["lr"])
        if at == "epoch":
            out.append(opt.param_groups[0]["lr"])  # the lr the epoch trained with
        if not per_batch:
            sched.step()
    return out


print(
    json.dumps(
        {
            "step(step_size=2, gamma=0.5), per epoch": lrs(
                lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), 3, 10, False, "epoch"
            ),
            "cosine(T_max=2, eta_min=1e-4), per epoch": lrs(
                lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=2, eta_min=1e-4),
                2,
                10,
                False,
                "epoch",
            ),
            "onecycle(max_lr=0.01, total_steps=20), after steps 10 and 20": lrs(
                lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=20), 2, 10, True, "step"
            ),
        },
        indent=1,
    )
)
