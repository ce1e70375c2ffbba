"""`/api/v1/learning/…`: courses."""

from ninja import Router

router = Router(tags=["learning: courses"])
