"""The service layer: casefile's domain workflows under the HTTP routes and the CLI.

Transfers and their review (``transfers``), users and agencies (``users``, ``passwords``),
find-or-404 lookups by what an actor may see (``lookups``) and a case's catalogue
(``catalogue``). Routes and CLI commands parse, authorise and present; the decisions live here.

A module here imports no web framework (fastapi, starlette) and nothing of ``api`` outside
``api.services`` (``tests/api/test_service_layer.py`` checks it), so the CLI, the demo and the tests
use a workflow without an HTTP request; see docs/ARCHITECTURE.md (issue #20 steps 3–4).
"""
