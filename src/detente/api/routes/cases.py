"""``/api/cases``, ``/api/models``, ``/api/kinds``: what the server can run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from ... import models as model_registry
from ...scenario import builtin_names, dump_yaml
from ...store import NotFoundError
from .._deps import ServicesDep
from .._kinds import KINDS, PENDING_KINDS

router = APIRouter(prefix="/api", tags=["cases and models"])


class CaseSummary(BaseModel):
    name: str
    title: str
    actors: int
    issues: int


class CaseList(BaseModel):
    data: list[CaseSummary]
    count: int


class CasePublic(BaseModel):
    name: str
    content: str
    scenario: dict[str, Any]


class ModelParam(BaseModel):
    name: str
    default: Any
    doc: str


class ModelPublic(BaseModel):
    name: str
    summary: str
    dynamic: bool
    params: list[ModelParam]


class ModelList(BaseModel):
    data: list[ModelPublic]
    count: int


class KindList(BaseModel):
    available: list[str]
    pending: list[str]


@router.get("/cases", response_model=CaseList)
def cases(services: ServicesDep) -> CaseList:
    """The built-in scenarios."""
    data = []
    for name in builtin_names():
        s = services.scenarios.builtin(name)
        data.append(
            CaseSummary(name=name, title=s.title, actors=len(s.actors), issues=len(s.issues))
        )
    return CaseList(data=data, count=len(data))


@router.get("/cases/{name}", response_model=CasePublic, responses={404: {}})
def case(name: str, services: ServicesDep) -> CasePublic:
    """One built-in scenario: its YAML and the checked scenario."""
    if name not in builtin_names():
        raise NotFoundError(
            f"no built-in scenario called '{name}'; they are: {', '.join(builtin_names())}"
        )
    s = services.scenarios.builtin(name)
    return CasePublic(name=name, content=dump_yaml(s), scenario=s.model_dump(mode="json"))


@router.get("/models", response_model=ModelList)
def list_models() -> ModelList:
    """The registered models with their parameters and defaults."""
    data = []
    for name in model_registry.names():
        spec = model_registry.get(name)
        params = [ModelParam(name=p, default=d, doc=doc) for p, d, doc in spec.parameters()]
        data.append(
            ModelPublic(name=name, summary=spec.summary, dynamic=spec.dynamic, params=params)
        )
    return ModelList(data=data, count=len(data))


@router.get("/kinds", response_model=KindList)
def kinds() -> KindList:
    """Run kinds this server computes, and those of the contract not in this build yet."""
    return KindList(available=list(KINDS), pending=list(PENDING_KINDS))
