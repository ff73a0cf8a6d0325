"""PDPA self-service: what each app contributes to "download my data" and "delete my account".

An app that keeps personal data about a participant registers Wagtail hooks in its
``wagtail_hooks.py``:

    @hooks.register(PERSONAL_DATA_EXPORT_HOOK)
    def my_sections(user):                  # -> list[PersonalDataSection]
        return [PersonalDataSection(key="enrolments", title="...", rows=[{...}, ...])]

    @hooks.register(ACCOUNT_ERASURE_HOOK)
    def forget(user, now):                  # called inside the erasure transaction
        ...                                 # erase or anonymise what the app holds

    @hooks.register(CONSENT_WITHDRAWN_HOOK)
    def stop(user, purpose, now):           # called inside the withdrawal transaction
        ...

Rows are flat dicts of JSON-friendly values (str, int, float, bool, None; dates as ISO
strings), so the same sections give the JSON and the XLSX download. The rule for what is
erased and what is kept is written in ``docs/pdpa.md``.
"""

from dataclasses import dataclass, field

from wagtail import hooks

PERSONAL_DATA_EXPORT_HOOK = "register_personal_data_export"
ACCOUNT_ERASURE_HOOK = "register_account_erasure"
CONSENT_WITHDRAWN_HOOK = "register_consent_withdrawn"


@dataclass(frozen=True)
class PersonalDataSection:
    key: str  # stable, e.g. "enrolments": the JSON key and the XLSX sheet name
    title: str  # Thai, for people
    rows: list[dict] = field(default_factory=list)


def exported_sections(user) -> list[PersonalDataSection]:
    sections: list[PersonalDataSection] = []
    for hook in hooks.get_hooks(PERSONAL_DATA_EXPORT_HOOK):
        sections.extend(hook(user) or [])
    return sections


def run_erasure_hooks(user, now) -> None:
    for hook in hooks.get_hooks(ACCOUNT_ERASURE_HOOK):
        hook(user, now)


def run_consent_withdrawn_hooks(user, purpose: str, now) -> None:
    for hook in hooks.get_hooks(CONSENT_WITHDRAWN_HOOK):
        hook(user, purpose, now)
