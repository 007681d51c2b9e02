"""Search that understands the region's languages, as pure functions (no SQL here: the
archive's search_terms.py and datasette's SQL functions use them).

    folding.py      words as the full-text index splits them; folded spellings
    georgian.py     Georgian suffix rules
    azerbaijani.py  Azerbaijani suffix rules
    stemmers.py     which stemmer a word gets (by script; Latin by the article's language)
    query.py        what a user typed, read as words, prefixes and phrases; MATCH expressions
"""
