"""The `completions` import kind: completions recorded on other platforms, from a CSV / XLSX
file. The record's rules are those of the API (`hoctap.learning.services.external`); this kind
only adapts them to the import pipeline. A row whose ID number names nobody in the importer's
scope is *skipped* (reported, not an error of the file); a row already recorded is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Perm
from hoctap.imports.kinds import Batch, ImportKind
from hoctap.learning.services.external import (
    COLUMNS,
    ExternalContext,
    external_context,
    record_key,
    records_check,
    records_write,
)


class CompletionsKind(ImportKind):
    name = "completions"
    label = gettext_lazy("Completions on other platforms")
    permission = Perm.MANAGE_LEARNERS
    key_column = "national_id"
    batch_size = 5000
    columns = COLUMNS

    def key_of_cells(self) -> Callable[[list[str]], Hashable]:
        return record_key

    def start(self, *, actor: Any) -> ExternalContext:
        return external_context(actor)

    def check_batch(self, ctx: ExternalContext, batch: Batch) -> None:
        records_check(ctx, batch)

    def write_batch(self, ctx: ExternalContext, batch: Batch) -> None:
        records_write(ctx, batch)


completions = CompletionsKind()
