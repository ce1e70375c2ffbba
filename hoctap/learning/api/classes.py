"""`/api/v1/learning/…`: classes."""

from ninja import Router

router = Router(tags=["learning: classes"])
