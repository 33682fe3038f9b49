"""Training code for the shipped models; run as ``python -m dateline.train NAME``.

Each model has one module here (``dateline.train.<name>``, dashes as underscores) with a
``main(argv) -> int``. Training reads only ``../shared/corpora`` (or ``--corpora``), fixes its
seeds, prints its dev figures and writes the artefact into ``dateline/models/<name>/``.
Serving code never imports this package.
"""
