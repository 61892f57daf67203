"""What the preview keeps between builds, handed to the pipeline as its stages.

A save re-parses only the files it changed; numbering, the citation style, the bibliography and
the formatted citations are reused while nothing they read changed; and only the chapters whose
HTML would differ are rendered again. Every stage returns what the plain one would, so the
preview shows what a build from scratch would show. Each cache keeps one entry per chapter file
(or one result), replaced on change, so memory stays bounded.
"""

from __future__ import annotations

from imprint.markdown.cache import ParseCache
from imprint.pipeline import Stages
from imprint.preview.citation_memo import CitationMemo
from imprint.preview.numbering_memo import NumberingMemo
from imprint.preview.render_cache import RenderCache


class BuildCaches:
    def __init__(self) -> None:
        self.parses = ParseCache()
        self.citations = CitationMemo()
        self.numbering = NumberingMemo()
        self.rendering = RenderCache()
        self.stages = Stages(
            parse=self.parses.parse,
            style=self.citations.style,
            bibliography=self.citations.bibliography,
            number=self.numbering.number,
            format=self.citations.format,
            render=self.rendering.render,
        )
