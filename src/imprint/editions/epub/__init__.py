"""The EPUB 3: XHTML documents, package metadata, navigation, the print page list and
accessibility metadata derived from the content, zipped byte-for-byte reproducibly."""
