"""The editions made from a finished Publication: the shared HTML layer and templates, then the
print PDF and the EPUB, each written atomically."""
