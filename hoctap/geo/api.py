"""`/api/v1/units` and `/api/v1/organisations`: thin endpoints over the geo services."""

import datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.geo import selectors, services
from hoctap.geo.models import AdminUnit, Organisation, OrganisationKind, UnitKind

router = Router(tags=["units"])
org_router = Router(tags=["organisations"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    level: int
    parent_code: str | None
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_parent_code(obj: AdminUnit) -> str | None:
        # listings annotate it (no join per row); a single unit has its parent loaded
        if hasattr(obj, "parent_code"):
            return obj.parent_code
        return obj.parent.code if obj.parent_id and obj.parent else None


class UnitDetailOut(UnitOut):
    ancestors: list[UnitOut]
    successors: list[str]
    predecessors: list[str]

    # Resolved from the unit itself: a dict would lose `parent_code`, whose resolver needs
    # the model instance.
    @staticmethod
    def resolve_ancestors(obj: AdminUnit) -> list[AdminUnit]:
        return selectors.unit_ancestors(unit=obj)

    @staticmethod
    def resolve_successors(obj: AdminUnit) -> list[str]:
        return [s.successor.code for s in selectors.unit_successions(unit=obj)["successors"]]

    @staticmethod
    def resolve_predecessors(obj: AdminUnit) -> list[str]:
        return [s.predecessor.code for s in selectors.unit_successions(unit=obj)["predecessors"]]


class UnitFilter(Schema):
    parent: str | None = Field(None, description="Code of the parent unit")
    kind: UnitKind | None = None
    level: int | None = Field(None, ge=1, le=3)
    q: str | None = Field(None, description="Name (diacritics ignored) or code prefix")
    include_closed: bool = True


class VillageIn(Schema):
    parent: str = Field(..., description="Code of the commune")
    name: str
    kind: UnitKind = UnitKind.VILLAGE
    valid_from: datetime.date | None = None


class VillagePatch(Schema):
    name: str | None = None
    kind: UnitKind | None = None
    valid_from: datetime.date | None = None


class UnitCloseIn(Schema):
    valid_to: datetime.date
    successors: list[str] = []
    note: str = ""


@router.get("/units", response={200: list[UnitOut], **ERRORS})
@paginate(Pages, page_size=100)
def unit_list(request: AuthedRequest, filters: Query[UnitFilter]) -> Any:
    return selectors.unit_list(
        actor=request.auth,
        parent_code=filters.parent,
        kind=filters.kind,
        level=filters.level,
        q=filters.q,
        include_closed=filters.include_closed,
    )


@router.get("/units/{code}", response={200: UnitDetailOut, **ERRORS})
def unit_detail(request: AuthedRequest, code: str) -> Any:
    return selectors.unit_get(actor=request.auth, code=code)


@router.post("/units", response={201: UnitOut, **ERRORS})
def village_create(request: AuthedRequest, payload: VillageIn) -> Any:
    unit = services.village_create(
        actor=request.auth,
        parent_code=payload.parent,
        name=payload.name,
        kind=payload.kind,
        valid_from=payload.valid_from,
    )
    return Status(201, unit)


@router.patch("/units/{code}", response={200: UnitOut, **ERRORS})
def village_update(request: AuthedRequest, code: str, payload: VillagePatch) -> Any:
    unit = selectors.unit_get(actor=request.auth, code=code)
    return services.village_update(
        actor=request.auth,
        unit=unit,
        name=payload.name,
        kind=payload.kind,
        valid_from=payload.valid_from,
    )


@router.post("/units/{code}/close", response={200: UnitOut, **ERRORS})
def unit_close(request: AuthedRequest, code: str, payload: UnitCloseIn) -> Any:
    unit = selectors.unit_get(actor=request.auth, code=code)
    return services.unit_close(
        actor=request.auth,
        unit=unit,
        valid_to=payload.valid_to,
        successor_codes=payload.successors,
        note=payload.note,
    )


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str
    unit_code: str
    parent_code: str | None
    is_active: bool

    @staticmethod
    def resolve_unit_code(obj: Organisation) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_parent_code(obj: Organisation) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None


class OrganisationFilter(Schema):
    unit: str | None = Field(None, description="Organisations attached to exactly this unit")
    within: str | None = Field(None, description="Organisations anywhere beneath this unit")
    kind: OrganisationKind | None = None
    parent: str | None = None
    q: str | None = None
    include_inactive: bool = False


class OrganisationIn(Schema):
    code: str
    name: str
    kind: OrganisationKind
    unit: str
    parent: str | None = None


class OrganisationPatch(Schema):
    name: str | None = None
    kind: OrganisationKind | None = None
    unit: str | None = None
    parent: str | None = None
    is_active: bool | None = None


@org_router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
@paginate(Pages, page_size=100)
def organisation_list(request: AuthedRequest, filters: Query[OrganisationFilter]) -> Any:
    return selectors.organisation_list(
        actor=request.auth,
        unit_code=filters.unit,
        within_unit_code=filters.within,
        kind=filters.kind,
        parent_code=filters.parent,
        q=filters.q,
        include_inactive=filters.include_inactive,
    )


@org_router.get("/organisations/{code}", response={200: OrganisationOut, **ERRORS})
def organisation_detail(request: AuthedRequest, code: str) -> Any:
    return selectors.organisation_get(actor=request.auth, code=code)


@org_router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def organisation_create(request: AuthedRequest, payload: OrganisationIn) -> Any:
    org = services.organisation_create(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        unit_code=payload.unit,
        parent_code=payload.parent,
    )
    return Status(201, org)


@org_router.patch("/organisations/{code}", response={200: OrganisationOut, **ERRORS})
def organisation_update(request: AuthedRequest, code: str, payload: OrganisationPatch) -> Any:
    org = selectors.organisation_get(actor=request.auth, code=code)
    fields = payload.dict(exclude_unset=True)
    return services.organisation_update(
        actor=request.auth,
        organisation=org,
        name=fields.get("name"),
        kind=fields.get("kind"),
        unit_code=fields.get("unit"),
        parent_code=fields.get("parent"),
        clear_parent="parent" in fields and fields["parent"] is None,
        is_active=fields.get("is_active"),
    )


@org_router.delete("/organisations/{code}", response={200: OrganisationOut, **ERRORS})
def organisation_delete(request: AuthedRequest, code: str) -> Any:
    """Deactivates the organisation: records and the audit log keep pointing at it."""
    org = selectors.organisation_get(actor=request.auth, code=code)
    return services.organisation_deactivate(actor=request.auth, organisation=org)
