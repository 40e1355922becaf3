"""`generator-*` subcommands of `python -m matdisc_training` (registered from __main__.py)."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generator-fixture", help="write the untrained tiny generator fixture (ONNX + schedule + card + reference)")
    p.add_argument("--out", required=True)
    p.add_argument("--name", default="denoiser-tiny")
    p.add_argument("--num-steps", type=int, default=100)

    p = sub.add_parser("generator-train", help="train the diffusion generator and export it (ONNX + schedule + card + weights)")
    p.add_argument("--out", required=True)
    p.add_argument("--name", default="diffcsp-mp20")
    p.add_argument("--epochs", type=float, default=None, help="epochs over the training rows (overrides --steps)")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--max-minutes", type=float, default=None, help="stop early after this wall time (recorded in the card)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--num-freqs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--num-steps", type=int, default=1000, help="diffusion steps T of the schedule")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--val-fraction", type=float, default=0.05)
    p.add_argument("--log-every", type=int, default=100, help="training-loss log interval, steps")
    p.add_argument("--val-every", type=int, default=500, help="held-out loss interval, steps")
    p.add_argument(
        "--extra-data",
        default="",
        help="comma-separated datasets to add to MP-20's training rows: mpts52, perov5, carbon24 (files beside the MP-20 root)",
    )

    p = sub.add_parser("generator-export", help="export <name>.pt to <name>.onnx, check it and write the checks + sha256 into the card")
    p.add_argument("--weights", required=True, help="<name>.pt written by generator-train")
    p.add_argument("--card", required=True, help="<name>.card.json to update")
    p.add_argument("--threads", type=int, default=2)

    p = sub.add_parser("generator-sample", help="Python reference predictor-corrector sampler (seeded), writes JSON")
    p.add_argument("--model", required=True, help="path to <name>.onnx, .pt or .card.json (weights are read from <name>.pt)")
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--natoms", type=int, default=None, help="atoms per structure (gen); default: drawn from the training distribution")
    p.add_argument("--composition", default=None, help="CSP mode: a formula for one cell, e.g. Li2O2 or 'Li 2 O 2'")
    p.add_argument("--step-lr", type=float, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", required=True)

    p = sub.add_parser("generator-bench", help="PyTorch eager throughput (structures/minute) as JSON on stdout")
    p.add_argument("--model", required=True)
    p.add_argument("--natoms", default="8,16,20")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--calls", type=int, default=10, help="denoiser calls timed per size (one PC step = 2 calls)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)


COMMANDS = ("generator-fixture", "generator-train", "generator-export", "generator-sample", "generator-bench")


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "generator-fixture":
        from .fixture import make_fixture

        print(json.dumps(make_fixture(args.out, args.name, args.num_steps)["checks"]))
    elif args.command == "generator-train":
        from .train import train_command

        train_command(args)
    elif args.command == "generator-export":
        from .train import export_command

        export_command(args)
    elif args.command == "generator-sample":
        from .sample import sample_command

        sample_command(args)
    elif args.command == "generator-bench":
        from .sample import bench_command

        bench_command(args)
    else:
        print(f"unknown generator command {args.command}", file=sys.stderr)
        return 2
    return 0
