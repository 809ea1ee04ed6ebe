"""Form posts as a browser sends them (GOV.UK date inputs come as day, month and year)."""

import datetime as dt


def date_fields(name: str, value: dt.date | None) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def action_post(*, outcomes, owner, version=None, **overrides) -> dict:
    data = {
        "title": "Run learning spaces every six weeks",
        "description": "Facilitated reflective spaces.",
        "outcomes": [outcome.pk for outcome in outcomes],
        "area": "",
        "owner": owner.pk,
        "lead_team": "Practice development",
        "partners": "",
        "status": "in_progress",
        "percent_complete": "20",
        "priority": "medium",
        "rag_override": "computed",
        "rag_override_reason": "",
        **date_fields("start_date", dt.date(2025, 4, 1)),
        **date_fields("due_date", dt.date(2026, 3, 31)),
    }
    if version is not None:
        data["version"] = str(version)
    data.update(overrides)
    return data


def update_post(*, version, **overrides) -> dict:
    data = {
        "narrative": "Three sessions held this quarter.",
        "status": "in_progress",
        "percent_complete": "40",
        "rag_override": "computed",
        "rag_override_reason": "",
        "version": str(version),
    }
    data.update(overrides)
    return data
