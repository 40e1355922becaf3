"""Command line of the trainer.

  info          report the toolchain as JSON for `matdisc doctor`
  mlip-train    train an MLIP committee from extxyz files -> <name>.onnx + <name>.card.json + <name>.pt
  finetune      fine-tune a committee from a checkpoint on new frames (what campaign retraining calls)
  generator-*   diffusion generator: generator-train, generator-sample, generator-bench, generator-fixture
  sevennet-*    SevenNet-0 from the sevenn package: sevennet-export (ONNX + card), sevennet-mlearn (errors, fine-tune)
"""

import argparse
import json
import sys

from . import __version__


def info() -> dict:
    import numpy
    import onnx
    import torch

    return {
        "matdisc_training": __version__,
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "onnx": onnx.__version__,
        "cuda_available": torch.cuda.is_available(),
    }


def main(argv: list[str] | None = None) -> int:
    from .mlip.cli import add_commands, run_command

    parser = argparse.ArgumentParser(prog="matdisc_training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="print versions of the training toolchain as JSON")
    add_commands(sub)
    from .generator import cli as generator_cli

    generator_cli.register(sub)
    from .sevennet import cli as sevennet_cli

    sevennet_cli.register(sub)
    args = parser.parse_args(argv)
    if args.command in generator_cli.COMMANDS:
        return generator_cli.dispatch(args)
    if args.command in sevennet_cli.COMMANDS:
        return sevennet_cli.dispatch(args)
    if args.command == "info":
        print(json.dumps(info()))
        return 0
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
