"""`/api/v1/learning/…`: progress."""

from ninja import Router

router = Router(tags=["learning: progress"])
