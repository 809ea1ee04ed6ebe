"""Text an editor typed, shown in GOV.UK body style."""

import re

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def govuk_paragraphs(text: str) -> SafeString:
    """Paragraphs (split at blank lines) as <p class="govuk-body">, line breaks kept; the text
    is escaped. Django's linebreaks gives bare <p> tags, which GOV.UK Frontend leaves unstyled."""
    paragraphs = [
        p for p in re.split(r"\n\s*\n", str(text or "").replace("\r\n", "\n")) if p.strip()
    ]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((mark_safe(escape(p.strip()).replace("\n", "<br>")),) for p in paragraphs),
    )
