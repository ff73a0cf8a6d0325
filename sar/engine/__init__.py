"""The one computation of the SAR sandbox, shared by the web pages and `sar_assess`.

Numbers arrive as ``Decimal`` (parsed from JSON or from the forms, never through a binary
float). Every quotient is then computed as an exact rational (``fractions.Fraction`` built
from those decimals), so bands compare the exact, unrounded value: an overall score of
exactly 50 is 50, not 49.999...; only the output is rounded, half up, to 2 decimals
(tCO2e to 3).

    data, errors = parse_payload(payload, framework)     # the sar_assess JSON contract
    result = assess(data, framework)
    assessment_to_json(result)                             # the contract's output

The web sandbox builds the same ``CityData`` from a workspace (``sar.services``).

By concern: ``numbers`` (typing a figure, canonical text, rounding), ``contract`` (the
`sar_assess` input and output), ``validation`` (cross-field refusals and warnings),
``compute`` (values, scores, components, level, GHG inventory); ``data`` and ``messages``
are what they share.
"""

from .compute import (
    Assessment,
    GhgInventory,
    GhgLine,
    IndicatorResult,
    assess,
    band_score,
    compute_ghg,
    indicator_value,
)
from .contract import (
    assessment_to_json,
    dumps_exact,
    parse_month,
    parse_payload,
    quantity_field,
    year_field,
)
from .data import Activity, BaseYear, CityData, january_first
from .messages import MESSAGES, WARNING_MESSAGES
from .numbers import (
    canonical_decimal,
    check_number,
    coerce_value,
    constant,
    decimal_places,
    decimal_to_text,
    format_number,
    round_half_up,
)
from .validation import AssessmentWarning, assessment_warnings, validate_city_data

__all__ = [
    "MESSAGES",
    "WARNING_MESSAGES",
    "Activity",
    "Assessment",
    "AssessmentWarning",
    "BaseYear",
    "CityData",
    "GhgInventory",
    "GhgLine",
    "IndicatorResult",
    "assess",
    "assessment_to_json",
    "assessment_warnings",
    "band_score",
    "canonical_decimal",
    "check_number",
    "coerce_value",
    "compute_ghg",
    "constant",
    "decimal_places",
    "decimal_to_text",
    "dumps_exact",
    "format_number",
    "indicator_value",
    "january_first",
    "parse_month",
    "parse_payload",
    "quantity_field",
    "round_half_up",
    "validate_city_data",
    "year_field",
]
