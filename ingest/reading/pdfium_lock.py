"""The one lock around every PDFium call of a process.

PDFium is not thread-safe: two threads of one process rendering at once corrupted its heap
("free(): corrupted unsorted chunks", "double free or corruption", segmentation faults; issue
#16, item 10). The worker's pool processes are single-threaded and the API renders in a
subprocess (``ingest.render_job``), so this lock is uncontended; it is here for whatever still
calls PDFium from a threaded process (a test, a command, a future caller). ``RLock``: a call made
while holding it (a page size checked inside a render) does not deadlock.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
