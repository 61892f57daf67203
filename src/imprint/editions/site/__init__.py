"""The report's web page (landing page with downloads, citation and discovery metadata) and
its HTML edition (a page per chapter, made from the EPUB's finished documents)."""
