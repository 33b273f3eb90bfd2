"""Staff roles (plain constants, importable without SQLAlchemy: the command line offers them).

* ``staff``: the queue, handoffs, live chat, search.
* ``lead``: as staff, plus the Overview (aggregates only).
* ``admin``: as lead, plus CSV export of handoffs and the audit log.
"""

ROLES = ("staff", "lead", "admin")
REPORT_ROLES = frozenset({"lead", "admin"})
