"""Statutory time limits (办案期限) of a criminal case, computed from its custody events.

- :mod:`nlp.deadlines.calendar`: counting days and months (art. 105) and official holidays.
- :mod:`nlp.deadlines.rules`: the rules of ``rules.toml`` (one per limit, with its article).
- :mod:`nlp.deadlines.compute`: a person's events → their limits (pure, no database).
- :mod:`nlp.deadlines.events`: a fact sheet and its text → each person's events.
"""
