"""`/api/v1/learning/…`: groups."""

from ninja import Router

router = Router(tags=["learning: groups"])
