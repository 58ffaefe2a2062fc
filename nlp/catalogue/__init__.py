"""Cataloguing (编目): the documents a file holds, their standard types, titles and page ranges.

- :mod:`nlp.catalogue.types`: the standard types, as data (``types.toml``).
- :mod:`nlp.catalogue.split`: a file's pages → its documents (``catalogue_pages``).
- :mod:`nlp.catalogue.volume`: facts of every document of a volume, merged per person.
- :mod:`nlp.catalogue.edits`: a clerk's corrections of a file's catalogue, replayed on top of it.
"""
