"""Tags for the action plan's pages: RAG and status shown as GOV.UK tags, never by colour alone."""

from django import template
from django.utils.html import format_html

from actions.models import Status
from arp_portal.core.people import display_name

register = template.Library()

RAG_TAGS = {
    "green": ("Green", "govuk-tag--green"),
    "amber": ("Amber", "govuk-tag--yellow"),
    "red": ("Red", "govuk-tag--red"),
    "": ("No RAG", "govuk-tag--grey"),
}
STATUS_TAGS: dict[str, str] = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.IN_PROGRESS: "govuk-tag--blue",
    Status.COMPLETE: "govuk-tag--green",
    Status.DEFERRED: "govuk-tag--grey",
    Status.BLOCKED: "govuk-tag--red",
}
STATUS_LABELS: dict[str, str] = dict(Status.choices)


@register.simple_tag
def rag_tag(rag: str | None, overridden: bool = False):
    label, css = RAG_TAGS.get(rag or "", RAG_TAGS[""])
    if overridden:
        return format_html(
            '<strong class="govuk-tag {} portal-rag">{}</strong> '
            '<span class="govuk-body-s portal-rag-note">set by hand</span>',
            css,
            label,
        )
    return format_html('<strong class="govuk-tag {} portal-rag">{}</strong>', css, label)


@register.simple_tag
def status_tag(status: str):
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        STATUS_TAGS.get(status, "govuk-tag--grey"),
        STATUS_LABELS.get(status, status),
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def person(user) -> str:
    return display_name(user)
