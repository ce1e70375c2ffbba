"""`/api/v1/users`, role grants and tokens; the bearer-token authentication of the API."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer
from pydantic import Field

from hoctap.accounts import selectors, services
from hoctap.accounts.models import RoleGrant, User
from hoctap.accounts.roles import Role
from hoctap.core.api import ERRORS, AuthedRequest, Pages
from hoctap.core.errors import PermissionDenied

router = Router(tags=["users"])

# Set on a request that a bearer token authenticated (the API tries the token first).
BEARER_MARK = "hoctap_bearer_auth"


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.token_authenticate(token)
        if user is not None:
            request.user = user
            setattr(request, BEARER_MARK, True)
        return user


def by_token(request: HttpRequest) -> bool:
    return bool(getattr(request, BEARER_MARK, False))


class GrantOut(Schema):
    id: int
    role: str
    unit_code: str | None
    organisation_code: str | None
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_unit_code(obj: RoleGrant) -> str | None:
        return obj.unit.code if obj.unit else None

    @staticmethod
    def resolve_organisation_code(obj: RoleGrant) -> str | None:
        return obj.organisation.code if obj.organisation else None


class UserOut(Schema):
    username: str
    full_name: str
    email: str
    is_active: bool
    grants: list[GrantOut]  # the (prefetched) related manager, read as a list


class UserDetailOut(UserOut):
    @staticmethod
    def resolve_grants(obj: User, context: dict[str, Any]) -> list[RoleGrant]:
        """Only the grants the caller may see (all of them for the user themself)."""
        return list(selectors.grant_list(actor=context["request"].auth, user=obj))


class UserFilter(Schema):
    q: str | None = None
    role: Role | None = None


# The bounds of the stored fields; the service checks them too (and the e-mail's form, and the
# phone number's), with a message per field, for pages and commands as well.
class UserIn(Schema):
    username: str = Field(..., max_length=150)
    full_name: str = Field("", max_length=services.FULL_NAME_MAX)
    email: str = Field("", max_length=services.EMAIL_MAX)
    password: str | None = None
    role: Role
    unit: str | None = Field(None, description="Code of the unit the first role is granted on")
    organisation: str | None = None


class UserPatch(Schema):
    full_name: str | None = Field(None, max_length=services.FULL_NAME_MAX)
    email: str | None = Field(None, max_length=services.EMAIL_MAX)
    phone: str | None = Field(None, max_length=20)
    is_active: bool | None = None
    password: str | None = None
    current_password: str | None = Field(
        None, description="Needed to change your own password (with a session, not a token)"
    )


class GrantIn(Schema):
    role: Role
    unit: str | None = None
    organisation: str | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class RevokeIn(Schema):
    valid_to: datetime.date | None = None


class MeOut(Schema):
    username: str
    full_name: str


@router.get(
    "/me",
    response={200: MeOut, **ERRORS},
    summary="Who is signed in (with a session or a token)",
)
def me(request: AuthedRequest) -> MeOut:
    """The signed-in user's name: what a page or a phone app shows in its header. Reads
    nothing but what authenticating the request read."""
    return MeOut(username=request.auth.username, full_name=request.auth.full_name)


@router.get("/users", response={200: list[UserOut], **ERRORS})
@paginate(Pages, page_size=100)
def user_list(request: AuthedRequest, filters: Query[UserFilter]) -> Any:
    return selectors.user_list(actor=request.auth, q=filters.q, role=filters.role)


@router.get("/users/{username}", response={200: UserDetailOut, **ERRORS})
def user_detail(request: AuthedRequest, username: str) -> Any:
    return selectors.user_get(actor=request.auth, username=username)


@router.post("/users", response={201: UserDetailOut, **ERRORS})
def user_create(request: AuthedRequest, payload: UserIn) -> Any:
    user = services.user_create(
        actor=request.auth,
        username=payload.username,
        role=payload.role,
        unit_code=payload.unit,
        organisation_code=payload.organisation,
        password=payload.password,
        full_name=payload.full_name,
        email=payload.email,
    )
    return Status(201, user)


@router.patch("/users/{username}", response={200: UserDetailOut, **ERRORS})
def user_update(request: AuthedRequest, username: str, payload: UserPatch) -> Any:
    user = selectors.user_get(actor=request.auth, username=username)
    changes = payload.dict(exclude_unset=True)
    if changes.get("password") and user.pk == request.auth.pk and by_token(request):
        # A token is for scripts, and whoever holds one must not be able to keep the account
        # by changing its password: one's own password changes with a session only.
        raise PermissionDenied(
            _("Your own password cannot be changed with an API token: sign in and give your "
              "current password.")
        )  # fmt: skip
    return services.user_update(actor=request.auth, user=user, **changes)


@router.get("/users/{username}/grants", response={200: list[GrantOut], **ERRORS})
def grant_list(request: AuthedRequest, username: str) -> Any:
    user = selectors.user_get(actor=request.auth, username=username)
    return selectors.grant_list(actor=request.auth, user=user)


@router.post("/users/{username}/grants", response={201: GrantOut, **ERRORS})
def grant_create(request: AuthedRequest, username: str, payload: GrantIn) -> Any:
    user = selectors.user_get(actor=request.auth, username=username)
    grant = services.role_grant(
        actor=request.auth,
        user=user,
        role=payload.role,
        unit_code=payload.unit,
        organisation_code=payload.organisation,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    return Status(201, grant)


@router.post("/grants/{grant_id}/revoke", response={200: GrantOut, **ERRORS})
def grant_revoke(request: AuthedRequest, grant_id: int, payload: RevokeIn) -> Any:
    grant = selectors.grant_get(actor=request.auth, grant_id=grant_id)
    return services.role_revoke(actor=request.auth, grant=grant, valid_to=payload.valid_to)
