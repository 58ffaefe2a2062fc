"""Users and agencies: creation (CLI, admin API, first start) and listing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.services.passwords import hash_password
from core.errors import INVALID_ROLE, USER_EXISTS, USER_NOT_FOUND, WEAK_PASSWORD, CasefileError
from core.settings import Settings
from models.db import Database
from models.tables import Agency, SignInSession, User

# The roles a user may have; what each may do is ``api.policy.ROLE_ACTIONS`` (the same keys,
# tested). The operator (the CLI's own actor, models.access.OPERATOR_ROLE) is no user's role.
ROLES = ("clerk", "investigator", "prosecutor", "judge", "reviewer", "admin")
AGENCY_KINDS = ("police", "procuratorate", "court", "detention_centre", "justice_bureau", "other")
MIN_PASSWORD = 10


def guess_agency_kind(name: str) -> str:
    """The kind of agency its Chinese name says (公安 → police, 检察院 → procuratorate, …)."""
    for marker, kind in (
        ("公安", "police"), ("派出所", "police"), ("检察", "procuratorate"), ("法院", "court"),
        ("看守所", "detention_centre"), ("司法局", "justice_bureau"), ("社区矫正", "justice_bureau"),
    ):
        if marker in name:
            return kind
    return "other"


def get_or_create_agency(session: Session, name: str, kind: str | None = None) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.name == name))
    if agency is None:
        agency = Agency(name=name, kind=kind or guess_agency_kind(name))
        session.add(agency)
        session.flush()
    return agency


def create_user(
    session: Session, username: str, password: str, *, agency: str, role: str,
    display_name: str | None = None, check_strength: bool = True,
) -> User:
    if role not in ROLES:
        raise CasefileError(INVALID_ROLE, role)
    if check_strength and len(password) < MIN_PASSWORD:
        raise CasefileError(WEAK_PASSWORD)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise CasefileError(USER_EXISTS, username)
    user = User(
        username=username, display_name=display_name, role=role,
        agency_id=get_or_create_agency(session, agency).id, password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise CasefileError(USER_NOT_FOUND, username)
    return user


def set_password(session: Session, user_id: int, password: str) -> int:
    """Give a user a new password and end all of their sessions; how many were ended."""
    if len(password) < MIN_PASSWORD:
        raise CasefileError(WEAK_PASSWORD)
    user = session.get_one(User, user_id)
    user.password_hash = hash_password(password)
    return revoke_user_sessions(session, user_id)


def deactivate_user(session: Session, user_id: int) -> int:
    """Deactivate a user and end all of their sessions; how many were ended."""
    session.get_one(User, user_id).active = False
    return revoke_user_sessions(session, user_id)


def revoke_user_sessions(session: Session, user_id: int) -> int:
    """Revoke every open session of a user (password change, deactivation); how many."""
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def ensure_first_admin(db: Database, settings: Settings) -> str | None:
    """Create the first administrator when there is no user yet; return its user name if created."""
    with db.session() as session:
        if session.scalar(select(func.count(User.id))):
            return None
        create_user(
            session, "admin", settings.admin_password, agency=settings.default_agency,
            role="admin", display_name="管理员", check_strength=False,
        )
        return "admin"


def default_agency_id(db: Database, settings: Settings) -> int:
    with db.session() as session:
        return get_or_create_agency(session, settings.default_agency).id
