"""``GET /health``: the liveness probe scripts and load balancers call."""

from __future__ import annotations

from fastapi import APIRouter

from .._schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> Health:
    """``{"status": "ok"}`` while the server answers."""
    return Health()
