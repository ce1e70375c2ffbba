"""The import page's upload form: it checks the shape of the upload (kind, extension, size);
the pipeline checks the content."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hoctap.core.forms import PageForm
from hoctap.imports.kinds import ImportKind

EXTENSIONS = (".csv", ".xlsx")


def max_upload_bytes() -> int:
    return int(settings.HOCTAP_IMPORT_MAX_UPLOAD_MB) * 1024 * 1024


class ImportUploadForm(PageForm):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
        error_messages={
            "required": _("Choose a CSV or XLSX file."),
            "invalid": _("Choose a CSV or XLSX file."),
            "missing": _("Choose a CSV or XLSX file."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args: Any, kinds: list[ImportKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(kind.name, kind.label) for kind in kinds]
        self.fields["file"].help_text = _(
            "CSV in UTF-8 or XLSX (the first sheet), at most %(size)s; row 1 is the header."
        ) % {"size": filesizeformat(max_upload_bytes())}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "Only CSV (.csv) and Excel (.xlsx) files can be imported; "
                    "save an .xls file as .xlsx first."
                )
            )
        if (upload.size or 0) > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(max_upload_bytes())}
            )
        return upload
