"""The API: `/api/v1/`, OpenAPI at `/api/v1/openapi.json`, interactive docs at `/api/v1/docs`."""

from ninja import NinjaAPI
from ninja.security import SessionAuth

from hoctap.accounts.api import BearerToken
from hoctap.accounts.api import router as accounts_router
from hoctap.audit.api import router as audit_router
from hoctap.core.api import Utf8JSONRenderer, install_error_handlers
from hoctap.geo.api import org_router
from hoctap.geo.api import router as units_router
from hoctap.learning.api import router as learning_router
from hoctap.registry.api import router as registry_router

api = NinjaAPI(
    title="Hoctap API",
    version="1",
    description=(
        "Digital Education for All and the learning society. Session login for the browser; "
        "`Authorization: Bearer <token>` for machines (`hoctap tokens create USERNAME`). "
        'Errors are `{"detail": ...}` with 400/401/403/404/409.'
    ),
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Utf8JSONRenderer(),
)
install_error_handlers(api)
api.add_router("", units_router)
api.add_router("", org_router)
api.add_router("", accounts_router)
api.add_router("", audit_router)
api.add_router("", registry_router)
api.add_router("learning/", learning_router)
