"""`/api/v1/learning/…`: learners."""

from ninja import Router

router = Router(tags=["learning: learners"])
