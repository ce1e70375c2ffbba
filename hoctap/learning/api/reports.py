"""`/api/v1/learning/…`: reports."""

from ninja import Router

router = Router(tags=["learning: reports"])
