"""`sevennet-export` and `sevennet-mlearn` (wired into matdisc_training.__main__).

  sevennet-export   SevenNet-0 (weights from the `sevenn` package) -> <out>/sevennet-0.onnx + .card.json
  sevennet-mlearn   zero-shot and fine-tuned errors on the mlearn test sets -> a JSON the card can include
"""

from __future__ import annotations

import argparse
import json

COMMANDS = ("sevennet-export", "sevennet-mlearn")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sevennet-export", help="export SevenNet-0 (sevenn package) to the matdisc ONNX contract",
                       description="Export a pretrained SevenNet to <out>/<name>.onnx with its model card, check "
                       "ONNX Runtime against the eager model, and record the sevenn version and weight checksum.")
    p.add_argument("--out", required=True, help="output folder (models/mlip)")
    p.add_argument("--model", default="7net-0", help="sevenn pretrained name or checkpoint path")
    p.add_argument("--name", default="sevennet-0", help="file stem")
    p.add_argument("--metrics", default=None, help="JSON written by sevennet-mlearn, copied into the card")
    p.add_argument("--bench", default=None, help="JSON of benchmark rows to copy into the card (optional)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--card-only", action="store_true",
                   help="keep the existing <name>.onnx and its export record; rewrite the card with --metrics/--bench")

    p = sub.add_parser("sevennet-mlearn", help="SevenNet errors on the mlearn test sets, zero-shot and after a bounded fine-tune")
    p.add_argument("--data", required=True, help="folder with mlearn <El>_test.extxyz and <El>_training.extxyz")
    p.add_argument("--out", required=True, help="JSON file to write")
    p.add_argument("--model", default="7net-0")
    p.add_argument("--finetune-minutes", type=float, default=20.0, help="wall-time budget of the fine-tune; 0 skips it")
    p.add_argument("--offset-frames", type=int, default=40, help="training frames per element for the energy offset")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--max-atoms-per-batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "sevennet-export":
        from .card import export_command

        card = export_command(args)
        print(json.dumps({"name": card["name"], "sha256": card["sha256"], "verification": card["onnx"]["verification"]}))
        return 0
    if args.command == "sevennet-mlearn":
        from .mlearn import main_args

        return main_args(args)
    raise ValueError(f"unknown command {args.command}")
