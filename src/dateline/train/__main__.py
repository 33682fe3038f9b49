"""``python -m dateline.train NAME [options]``: rebuild one shipped model from the corpora."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence

import dateline.train


def available() -> list[str]:
    """Names of the models this package knows how to train."""
    return sorted(
        m.name.replace("_", "-")
        for m in pkgutil.iter_modules(dateline.train.__path__)
        if not m.name.startswith("_")
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the training module of the model named first on the command line."""
    args = list(sys.argv[1:] if argv is None else argv)
    names = available()
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m dateline.train NAME [options]\nmodels: " + ", ".join(names))
        return 0 if args else 2
    name = args[0].replace("_", "-")  # the model folder's name works too
    if name not in names:
        print(f"unknown model {name!r}; models: {', '.join(names)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"dateline.train.{name.replace('-', '_')}")
    code: int = module.main(args[1:])
    return code


if __name__ == "__main__":
    sys.exit(main())
