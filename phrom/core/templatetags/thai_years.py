"""The admin's date drill-down in the Buddhist Era (its template: admin/date_hierarchy.html)."""

from __future__ import annotations

from django import template

from phrom.core.thai import be_year

register = template.Library()


@register.filter
def be_year_title(title: object) -> object:
    """A year that Django's date drill-down writes as it is (2026), in the Buddhist Era
    (2569); its other titles are dates, written in the Buddhist Era already."""
    text = str(title)
    if len(text) == 4 and text.isascii() and text.isdigit():
        return str(be_year(int(text)))
    return title
