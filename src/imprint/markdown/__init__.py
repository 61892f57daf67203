"""Parse stage: Pandoc-flavoured Markdown read by markdown-it with one plugin per construct,
each chapter file becoming plain data with every problem located."""
