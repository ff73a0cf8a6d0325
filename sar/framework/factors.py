"""The framework's ``ghg`` section: sectors, scopes and emission factors with versions."""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from .checker import Checker
from .model import EmissionFactor, FactorVersion


@dataclass(frozen=True)
class Ghg:
    factors: tuple[EmissionFactor, ...] = ()
    sectors: tuple[dict, ...] = ()
    scopes: tuple[str, ...] = ()


def parse_ghg(check: Checker, ghg) -> Ghg:
    if not check.require(ghg, ("sectors", "scopes", "factors"), "ghg"):
        return Ghg()
    sectors = tuple(check.items(ghg["sectors"], "ghg.sectors"))
    sector_codes = {s.get("code") for s in sectors if isinstance(s, dict)}
    scopes = tuple(str(s) for s in check.items(ghg["scopes"], "ghg.scopes"))
    factors = []
    seen = set()
    for i, item in enumerate(check.items(ghg["factors"], "ghg.factors")):
        where = f"ghg.factors[{i}]"
        if not check.require(
            item, ("code", "sector", "scope", "unit", "name_th", "name_en", "versions"), where
        ):
            continue
        where = f"emission factor {item['code']}"
        if item["code"] in seen:
            check.fail(f"{where}: the code is used twice")
        seen.add(item["code"])
        if item["sector"] not in sector_codes:
            check.fail(f"{where}: unknown sector {item['sector']!r}")
        if str(item["scope"]) not in scopes:
            check.fail(f"{where}: unknown scope {item['scope']!r}")
        versions = _parse_versions(check, item["versions"], where)
        factors.append(
            EmissionFactor(
                code=item["code"],
                sector=item["sector"],
                scope=str(item["scope"]),
                unit=item["unit"],
                versions=tuple(versions),
                raw=item,
            )
        )
    return Ghg(factors=tuple(factors), sectors=sectors, scopes=scopes)


def _parse_versions(check: Checker, raw, where: str) -> list[FactorVersion]:
    versions = []
    for j, version in enumerate(check.items(raw, f"{where}.versions")):
        vwhere = f"{where}.versions[{j}]"
        if not check.require(
            version, ("version", "valid_from", "valid_until", "kgco2e_per_unit"), vwhere
        ):
            continue
        factor = check.decimal(version["kgco2e_per_unit"], f"{vwhere}.kgco2e_per_unit")
        if factor is not None and factor < 0:
            check.fail(f"{vwhere}: the factor may not be negative")
        valid_from = check.date(version["valid_from"], f"{vwhere}.valid_from")
        valid_until = check.date(version["valid_until"], f"{vwhere}.valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            check.fail(f"{vwhere}: valid_until is before valid_from")
        versions.append(
            FactorVersion(
                version=str(version["version"]),
                valid_from=valid_from,
                valid_until=valid_until,
                kgco2e_per_unit=factor if factor is not None else Decimal(0),
                basis_en=version.get("basis", ""),
                basis_th=version.get("basis_th", ""),
            )
        )
    if not versions:
        check.fail(f"{where}: has no version")
    _check_versions_do_not_overlap(check, versions, where)
    return versions


def _check_versions_do_not_overlap(check: Checker, versions: list, where: str) -> None:
    """Exactly one version may be valid on any day, with no gap between versions."""
    if len({v.version for v in versions}) != len(versions):
        check.fail(f"{where}: a version name is used twice")
    ordered = sorted(versions, key=lambda v: v.valid_from or datetime.date.min)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_until is None or later.valid_from is None:
            check.fail(f"{where}: versions {earlier.version} and {later.version} overlap")
        elif later.valid_from <= earlier.valid_until:
            check.fail(f"{where}: versions {earlier.version} and {later.version} overlap")
        elif later.valid_from != earlier.valid_until + datetime.timedelta(days=1):
            check.fail(f"{where}: a gap between versions {earlier.version} and {later.version}")
