"""The book itself: publication.yaml read against its schema, the frozen model every stage
passes on, diagnostics with their file and line, the files a build may read and write, and
the model's HTML as a tree (markup)."""
