__version__ = "0.5.0"
# The release date of this version (CITATION.cff date-released, the BibTeX year).
__release_date__ = "2026-12-06"
