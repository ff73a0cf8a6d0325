"""`manage.py check` refuses a broken framework file, naming each fault."""

from django.conf import settings
from django.core.checks import Error, register

from core.thai import current_year_be

from .engine import parse_payload
from .framework import FrameworkError, read_framework_file
from .sample import load_sample_city


@register("sar")
def check_framework_file(app_configs=None, **kwargs):
    path = settings.SAR_FRAMEWORK_FILE
    try:
        framework = read_framework_file(path)
    except FrameworkError as error:
        return [
            Error(
                f"The SAR framework file is broken: {problem}",
                hint=f"Fix {error.path} (see docs/sar-sandbox.md).",
                id="sar.E001",
            )
            for problem in error.problems
        ]
    try:
        sample = load_sample_city(framework)
    except FrameworkError as error:
        return [Error(str(error), hint="See docs/sar-sandbox.md.", id="sar.E002")]
    year_be = current_year_be()
    if isinstance(sample, dict) and isinstance(sample.get("profile"), dict):
        sample = {
            key: value
            for key, value in sample.items()
            if key in {"profile", "inputs", "activities", "base_year"}
        }
        sample["profile"] = {**sample["profile"], "year_be": year_be}
    _, errors = parse_payload(sample, framework)
    return [
        Error(
            f"The SAR sample city does not fit the framework: {key}: {'; '.join(messages)}",
            hint=f"Fix {framework.sample_city_path}.",
            id="sar.E002",
        )
        for key, messages in errors.items()
    ]
