"""The framework's indicators and components: formula and band kinds, and their checks.

A new kind of formula or band is added here (its check) and in ``sar.engine.compute``
(``indicator_value``, ``band_score``).
"""

from decimal import Decimal

from .checker import Checker
from .model import Component, Field, Indicator

FORMULA_KINDS = {"ratio", "input", "choice", "count_true", "ghg_change_vs_base"}
BAND_KINDS = {"thresholds", "target_by_lao_type", "choice", "value"}
BAND_OPERATORS = {">=", ">", "<=", "<", "=="}

# The profile figure that ``target_by_lao_type`` bands read (sar.md's profile).
LAO_TYPE_KEY = "lao_type"


def parse_components(check: Checker, raw) -> list[dict]:
    """The valid component items, in file order (their indicators come later)."""
    components = [
        item
        for i, item in enumerate(check.items(raw, "components"))
        if check.require(item, ("code", "weight", "name_th", "name_en"), f"components[{i}]")
    ]
    codes = [item["code"] for item in components]
    if len(set(codes)) != len(codes):
        check.fail("components: a code is used twice")
    if not components:
        check.fail("components: at least one component is needed")
    return components


def parse_indicators(
    check: Checker, raw, component_codes: set[str], fields: dict[str, Field], base_year: tuple
) -> tuple[Indicator, ...]:
    indicators: list[Indicator] = []
    seen_codes: set[str] = set()
    for i, item in enumerate(check.items(raw, "indicators")):
        where = f"indicators[{i}]"
        if not check.require(
            item,
            ("code", "component", "name_th", "name_en", "unit", "formula", "bands"),
            where,
        ):
            continue
        where = f"indicator {item['code']}"
        if item["code"] in seen_codes:
            check.fail(f"{where}: the code is used twice")
        seen_codes.add(item["code"])
        if item["component"] not in component_codes:
            check.fail(f"{where}: unknown component {item['component']!r}")
        indicator = Indicator(
            code=item["code"],
            component=item["component"],
            unit=item["unit"],
            decimals=int(item.get("decimals", 2)),
            formula=item["formula"],
            bands=item["bands"],
            raw=item,
        )
        if check_formula(check, indicator, fields, where):
            check_bands(check, indicator, fields, where)
            if indicator.reads_inventory and not base_year:
                check.fail(f"{where}: a ghg_change_vs_base formula needs the base_year fields")
        indicators.append(indicator)
    return tuple(indicators)


def build_components(
    check: Checker, components_raw: list[dict], indicators: tuple[Indicator, ...]
) -> tuple[Component, ...]:
    components = []
    for item in components_raw:
        members = tuple(i for i in indicators if i.component == item["code"])
        if not members:
            check.fail(f"component {item['code']}: has no indicator")
        weight = check.decimal(item["weight"], f"component {item['code']}.weight")
        if weight is not None and weight <= 0:
            check.fail(f"component {item['code']}: the weight must be positive")
        components.append(
            Component(code=item["code"], weight=weight or Decimal(1), indicators=members, raw=item)
        )
    return tuple(components)


def check_formula(check: Checker, indicator: Indicator, fields: dict, where: str) -> bool:
    """Report the formula's faults; False when it is too broken to check its bands."""
    formula = indicator.formula
    kind = formula.get("kind") if isinstance(formula, dict) else None
    if kind not in FORMULA_KINDS:
        check.fail(f"{where}: unknown formula kind {kind!r}")
        return False
    if kind == "ratio":
        if not check.require(formula, ("numerator", "denominator"), f"{where}.formula"):
            return False
        if not formula["numerator"] or not formula["denominator"]:
            check.fail(f"{where}: a ratio needs a numerator and a denominator")
        for constant in [*formula.get("multiply", []), *formula.get("divide", [])]:
            number = check.decimal(constant, f"{where}.formula")
            if number is not None and number <= 0:
                check.fail(f"{where}: multiply/divide constants must be positive")
        if "cap" in formula:
            check.decimal(formula["cap"], f"{where}.formula.cap")
    elif kind in {"input", "choice"} and not check.require(formula, ("input",), f"{where}.formula"):
        return False
    elif kind == "count_true" and not check.require(formula, ("inputs",), f"{where}.formula"):
        return False
    for key in indicator.inputs:
        if key not in fields:
            check.fail(f"{where}: unknown input {key!r}")
    if kind == "count_true":
        for key in indicator.inputs:
            if key in fields and fields[key].type != "boolean":
                check.fail(f"{where}: {key!r} must be a boolean input")
    if kind == "choice" and formula["input"] in fields:
        if fields[formula["input"]].type != "choice":
            check.fail(f"{where}: {formula['input']!r} must be a choice input")
    return True


def check_bands(check: Checker, indicator: Indicator, fields: dict, where: str) -> None:
    bands = indicator.bands
    kind = bands.get("kind") if isinstance(bands, dict) else None
    if kind not in BAND_KINDS:
        check.fail(f"{where}: unknown bands kind {kind!r}")
        return
    if kind == "thresholds":
        _check_thresholds(check, bands, where)
    elif kind == "target_by_lao_type":
        _check_targets(check, bands, fields, where)
    elif kind == "choice":
        key = indicator.formula.get("input")
        scores = bands.get("scores", {})
        if key in fields and set(scores) != set(fields[key].choice_codes):
            check.fail(f"{where}: a score is needed for every choice of {key!r}")
        for code, score in scores.items():
            check_score(check, score, f"{where}.bands.scores.{code}")
    elif kind == "value" and indicator.formula.get("kind") != "count_true":
        check.fail(f"{where}: bands of kind 'value' only fit a count_true formula")
    elif kind == "value" and len(indicator.inputs) > 4:
        check.fail(f"{where}: a count used as the score may not exceed 4")


def _check_thresholds(check: Checker, bands: dict, where: str) -> None:
    rules = bands.get("rules")
    if not isinstance(rules, list) or not rules:
        check.fail(f"{where}: thresholds need a non-empty list of rules")
        return
    for j, rule in enumerate(rules):
        if not (isinstance(rule, list) and len(rule) == 3 and rule[0] in BAND_OPERATORS):
            check.fail(f"{where}.bands.rules[{j}]: expected [operator, number, score]")
            continue
        check.decimal(rule[1], f"{where}.bands.rules[{j}]")
        check_score(check, rule[2], f"{where}.bands.rules[{j}]")
    check_score(check, bands.get("otherwise"), f"{where}.bands.otherwise")


def _check_targets(check: Checker, bands: dict, fields: dict, where: str) -> None:
    lao_type = fields.get(LAO_TYPE_KEY)
    if lao_type is None or not lao_type.required or lao_type.type != "choice":
        check.fail(
            f"{where}: bands of kind 'target_by_lao_type' need the profile choice field "
            f"{LAO_TYPE_KEY!r}"
        )
        return
    targets = bands.get("targets", {})
    if set(targets) != set(lao_type.choice_codes):
        check.fail(f"{where}: targets must name every LAO type exactly once")
    for code, target in targets.items():
        number = check.decimal(target, f"{where}.bands.targets.{code}")
        if number is not None and number <= 0:
            check.fail(f"{where}: the target for {code} must be positive")
    steps = bands.get("steps")
    if not isinstance(steps, int) or not 1 <= steps <= 4:
        check.fail(f"{where}: steps must be a whole number from 1 to 4")


def check_score(check: Checker, score, where: str) -> None:
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 4:
        check.fail(f"{where}: a score must be a whole number from 0 to 4, got {score!r}")
