"""imprint: a policy-research report written as Markdown chapters with citations, made into
a print PDF, an EPUB 3 and a live preview from one typed model of the publication."""

__version__ = "0.1.0"
