"""Command line of the trainer. `info` reports the toolchain as JSON for `matdisc doctor`."""

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
    parser = argparse.ArgumentParser(prog="matdisc_training", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="print versions of the training toolchain as JSON")
    args = parser.parse_args(argv)
    if args.command == "info":
        print(json.dumps(info()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
