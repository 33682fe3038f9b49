"""Allow `python -m dateline ...`."""

from dateline.cli import main

main()
