"""`/api/v1/learning/…`: completions."""

from ninja import Router

router = Router(tags=["learning: completions"])
