"""The audit log is append only: sessions refuse to change or delete its rows, one by one or in bulk.

``guard_audit_log(factory)`` attaches the two listeners to a ``sessionmaker`` (``db.make_session_factory``
does it for every factory the project makes), instead of to SQLAlchemy's global ``Session`` class.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import AuditEntry

__all__ = ["AuditLogIsAppendOnly", "guard_audit_log"]


class AuditLogIsAppendOnly(RuntimeError):
    pass


def _refuse_audit_changes(session: Session, _ctx, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit log entries cannot be changed or deleted")


def _refuse_audit_bulk_changes(state) -> None:
    table = getattr(state.statement, "table", None) if state.is_update or state.is_delete else None
    if table is not None and table.name == AuditEntry.__tablename__:
        raise AuditLogIsAppendOnly("audit log entries cannot be changed or deleted")


def guard_audit_log(factory: sessionmaker) -> sessionmaker:
    """Make every session of ``factory`` refuse changes to the audit log; returns ``factory``."""
    event.listen(factory, "before_flush", _refuse_audit_changes)
    event.listen(factory, "do_orm_execute", _refuse_audit_bulk_changes)
    return factory
