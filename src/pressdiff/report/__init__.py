"""Renderers of a :class:`pressdiff.pipeline.Report`: JSON, HTML, Markdown and terminal.

They only read the report; every figure they show was computed by the
pipeline.  Shared wording and highlight segmentation live in :mod:`.views`.
"""

from pressdiff.report.html import render_html
from pressdiff.report.json import render_json, report_payload, report_schema
from pressdiff.report.markdown import render_md
from pressdiff.report.terminal import render_stories, render_terminal

__all__ = [
    "render_html",
    "render_json",
    "render_md",
    "render_stories",
    "render_terminal",
    "report_payload",
    "report_schema",
]
