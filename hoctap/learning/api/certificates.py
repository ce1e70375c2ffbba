"""`/api/v1/learning/…`: certificates."""

from ninja import Router

router = Router(tags=["learning: certificates"])
