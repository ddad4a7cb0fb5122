#!/usr/bin/python3
"""Checks a directory of pinned Python packages (pip install --target DIR).

    PYTHONPATH=DIR pinned.py DIR MODULE[,MODULE...] NAME==VERSION...

Imports every MODULE, then checks that each NAME==VERSION is installed in DIR
itself (not found elsewhere on sys.path, e.g. Debian's copy) at that
version. Exits 0 when all is so; otherwise prints what is wrong and exits 1.
Used by testbed/deps.sh (install-deps.sh, Benchmarks/baselines/install.sh).
"""

import importlib
import importlib.metadata as md
import os
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.split("\n\n")[1].strip())
    target = os.path.realpath(argv[0])
    for module in argv[1].split(","):
        importlib.import_module(module)
    for pin in argv[2:]:
        name, version = pin.split("==")
        dist = md.distribution(name)
        where = os.path.realpath(str(dist.locate_file("")))
        if dist.version != version or where != target:
            sys.exit(f"{name} {dist.version} from {where}, wanted {version} from {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
