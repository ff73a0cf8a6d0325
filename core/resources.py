"""The base of every import resource: rows checked in one pass, with Thai messages."""

from django.core.exceptions import ValidationError
from import_export import resources

from .imports import RowProblem


class ThaiCheckedResource(resources.ModelResource):
    """A resource whose rows are checked by ``check_row`` with Thai messages."""

    column_labels: dict[str, str] = {}
    # Model fields the import never fills (e.g. the password of an invited account).
    clean_exclude: list[str] = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.notes: list[RowProblem] = []

    def column_label(self, attribute: str) -> str:
        return str(self.column_labels.get(attribute, attribute))

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(
            {k: v for k, v in self.check_row(instance, row, kwargs["row_number"]).items() if v}
        )
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, row_number) -> dict[str, list[str]]:
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Uniqueness and the check constraints are covered by check_row without a query
        # per row; the database constraints still stand behind them.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors.keys(), *self.clean_exclude],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
