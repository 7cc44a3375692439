"""Liveness probe: pings the database directly (exempted in ADR-0003)."""
from app.db import session


def health() -> dict:
    return {"db": session.ping()}
