"""Chapter preview: a local server that shows one chapter as the full book numbers it, and
reloads the open page on every save.

    selection   CHAPTER argument (number, slug or file) -> the chapter's entry in publication.yaml
    state       the latest build: the Publication, or the errors that stopped it; a change counter
    page        a chapter -> the preview page (template, links across chapters, versioned assets)
    paths       URL paths -> files the server may send (nothing outside the project)
    server      the HTTP server on 127.0.0.1: pages, assets, server-sent change events
    watch       file changes (watchfiles) -> what to rebuild
    print_check one chapter -> a PDF in the print style
    app         wiring for `imprint preview`
"""
