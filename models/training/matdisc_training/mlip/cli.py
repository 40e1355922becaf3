"""Argument parsing for `mlip-train` and `finetune` (wired into matdisc_training.__main__)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys


def add_commands(sub) -> None:
    train = sub.add_parser(
        "mlip-train",
        help="train a 4-member MLIP committee on extxyz files; write <name>.onnx, .card.json, .pt",
        description="Train a committee from scratch. Reference energies are fitted per element by "
        "least squares on the training frames; a --data file that shares no element with any --test "
        "file gets a seeded hold-out of --holdout-fraction of its frames for the metrics.",
    )
    _common(train)
    train.add_argument("--epochs", type=int, default=20)
    train.add_argument("--cutoff", type=float, default=5.0, help="Å")
    train.add_argument("--n-radial", type=int, default=None, help="default 8, or 6 with species channels")
    train.add_argument("--l-max", type=int, default=4)
    train.add_argument("--hidden", type=int, default=64)
    train.add_argument("--species-channels", choices=["auto", "yes", "no"], default="auto",
                       help="one neighbour channel per element (auto: yes if any frame mixes elements)")
    train.add_argument("--base", default=None,
                       help="a base potential (.onnx, matdisc-potential-v1, same cutoff): train a Δ committee on "
                       "its residuals and write the composed universal committee (mlip/delta.py)")

    rows = sub.add_parser(
        "relaxed-frames",
        help="MP-20 / MPTS-52 CSV rows (DFT-relaxed cells) as extxyz force labels with energy_label=base",
        description="Relaxed cells have ~0 DFT forces; their energies are not used (mlip/relaxed_rows.py).",
    )
    rows.add_argument("--csv", nargs="+", required=True)
    rows.add_argument("--out", required=True)
    rows.add_argument("--max-atoms", type=int, default=12)
    rows.add_argument("--max-rows", type=int, default=1000)
    rows.add_argument("--seed", type=int, default=0)
    rows.add_argument("--elements-of", default=None, help="a model card: keep rows whose elements it covers")

    tune = sub.add_parser(
        "finetune",
        help="fine-tune a committee from a checkpoint (.pt, or the card naming it) on new frames",
        description="Start every member from the checkpoint's weights, train on --data with new seeds "
        "and new bootstrap samples, and write a new model. With --refs shift (default) the reference "
        "energies of the elements present are first moved so the committee has no mean error on the "
        "new data (another DFT code or setting is another absolute scale).",
    )
    _common(tune)
    tune.add_argument("--init", required=True, help="checkpoint .pt or model card .card.json")
    tune.add_argument("--epochs", type=int, default=10)
    tune.add_argument("--refs", choices=["shift", "keep"], default="shift")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", nargs="+", required=True, help="training extxyz files (energy, forces; stress optional)")
    p.add_argument("--test", nargs="*", default=[], help="test-only extxyz files")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--name", default=None, help="model name (file stem); default from the command")
    p.add_argument("--seed", type=int, default=0, help="member seeds are seed*1000+m; bootstrap and shuffling use it too")
    p.add_argument("--holdout-fraction", type=float, default=0.1)
    p.add_argument("--holdout-seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads; 1 is fastest on a shared 2-core host (2 threads stall on each other)")
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--max-atoms-per-batch", type=int, default=None)
    p.add_argument("--energy-scale", default="", help="free text for the card: the DFT scale of the data")
    p.add_argument("--device", default="cpu", help="where training runs: cpu or cuda (export stays on the CPU)")
    p.add_argument("--max-minutes", type=float, default=None,
                   help="wall budget of the whole run: training stops early (learning rate decayed by then) "
                   "to leave time for metrics and export")
    p.add_argument("--base-cache", default=None,
                   help="Δ committees: a JSON file caching the base model's predictions of the training frames "
                   "(kept between rounds, so each label is predicted by the base once)")
    p.add_argument("--default", action="store_true",
                   help='mark the card "default": true (the model matdisc uses when --model is not given)')


def run_command(args: argparse.Namespace) -> int:
    from .pipeline import RunSpec, run

    if args.command == "relaxed-frames":
        from .relaxed_rows import write_relaxed_frames

        from pathlib import Path

        covered = set(json.loads(Path(args.elements_of).read_text())["elements"]) if args.elements_of else None
        print(json.dumps(write_relaxed_frames(args.csv, args.out, args.max_atoms, args.max_rows, args.seed, covered)))
        return 0

    settings = {}
    if args.lr is not None:
        settings["lr"] = args.lr
    if args.max_atoms_per_batch is not None:
        settings["max_atoms_per_batch"] = args.max_atoms_per_batch
    model = {}
    if args.command == "mlip-train":
        model = {"cutoff": args.cutoff, "l_max": args.l_max, "hidden": args.hidden}
        if args.n_radial is not None:
            model["n_radial"] = args.n_radial
        if args.species_channels != "auto":
            model["species_channels"] = args.species_channels == "yes"
    spec = RunSpec(
        data=args.data,
        test=args.test,
        out=args.out,
        name=args.name or ("mlip-committee" if args.command == "mlip-train" else "mlip-committee-finetuned"),
        holdout_fraction=args.holdout_fraction,
        holdout_seed=args.holdout_seed,
        seed=args.seed,
        epochs=args.epochs,
        threads=args.threads,
        init=getattr(args, "init", None),
        refs=getattr(args, "refs", "shift"),
        model=model,
        settings=settings,
        energy_scale=args.energy_scale,
        default=args.default,
        device=args.device,
        max_minutes=args.max_minutes,
        base=getattr(args, "base", None),
        base_cache=args.base_cache,
        reproduce="python -m matdisc_training " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
    )
    card = run(spec)
    print(json.dumps({"name": card["name"], "onnx": card["onnx"]["file"], "sha256": card["sha256"],
                      "metrics": card["metrics"]["test_sets"]}))
    return 0
