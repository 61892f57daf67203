"""From parsed chapters to the model: numbering and cross-references, citations formatted by
pandoc's citeproc (`cite/`), and each chapter rendered to the house's HTML."""
