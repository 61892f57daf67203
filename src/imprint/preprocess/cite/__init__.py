"""Citations: bibliography files, CSL styles, and one cached `pandoc --citeproc` run that
formats every citation and the bibliography."""
