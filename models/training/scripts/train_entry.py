"""`python -m matdisc_training` restricted to the generator and MLIP commands, for
scripts/gpu-train.sh: the same parsers and code, without importing the other command groups."""

import argparse
import sys

from matdisc_training.generator import cli as generator_cli
from matdisc_training.mlip.cli import add_commands, run_command

parser = argparse.ArgumentParser(prog="matdisc_training")
sub = parser.add_subparsers(dest="command", required=True)
add_commands(sub)
generator_cli.register(sub)
args = parser.parse_args()
sys.exit(generator_cli.dispatch(args) if args.command in generator_cli.COMMANDS else run_command(args))
