"""Fast-track triage (繁简分流): is a case a candidate for 速裁 or 简易 procedure, and why.

Rules as data in ``rules.toml``; :func:`nlp.triage.triage.triage_sheet` applies them to a fact
sheet and its text.
"""
