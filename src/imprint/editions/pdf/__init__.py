"""The print edition: WeasyPrint layout in a sandbox, the audits of notes and glyphs, page labels
and artifacts, and the layout the EPUB borrows (page starts, cover)."""
