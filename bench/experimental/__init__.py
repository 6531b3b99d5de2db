"""Experiments that have not earned a place in the package: the learned claim checkers.

Both are negative results on the project's own benchmarks (``bench/RESULTS.md``): neither
beats the rule checker on SummEdits news, and the pipeline, CLI and README do not use them.
They stay here, runnable and tested, until one earns its place (the way datasketch keeps
unfinished features under ``experimental/``).  Scripts under ``bench/`` import them as
``experimental.trained`` and ``experimental.crossenc``.
"""
