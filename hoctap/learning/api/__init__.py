"""`/api/v1/learning/…`: one router per area, joined here."""

from ninja import Router

from hoctap.learning.api import (
    authoring,
    certificates,
    classes,
    completions,
    courses,
    groups,
    learners,
    progress,
    reports,
)

router = Router()
for area in (
    courses,
    authoring,
    progress,
    completions,
    certificates,
    classes,
    groups,
    learners,
    reports,
):
    router.add_router("", area.router)
