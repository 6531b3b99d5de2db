"""pressdiff: compare how many outlets cover one story, and show the evidence."""

__version__ = "0.1.0"
