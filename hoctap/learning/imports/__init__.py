"""The learning app's import kinds (registered in `LearningConfig.ready`)."""

from __future__ import annotations

from hoctap.imports.kinds import ImportKind
from hoctap.learning.imports.attendance import attendance
from hoctap.learning.imports.completions import completions

KINDS: list[ImportKind] = [attendance, completions]
