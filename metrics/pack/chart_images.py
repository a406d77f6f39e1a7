"""A chart in the PDF pack: its PNG (vl-convert, no browser) and size, and its text alternative."""

from __future__ import annotations

from metrics.i18n import _


def alt_text(chart) -> str:
    """A chart's text alternative: the description metrics.charts gives it, else its title."""
    description = getattr(chart, "description", None)
    if isinstance(description, str) and description:
        return description
    title = getattr(chart, "title", None)
    text = getattr(title, "text", title)
    return _("Chart: {title}").format(title=text) if isinstance(text, str) and text else _("Chart")


def chart_png(chart) -> bytes:
    """Render an Altair chart to PNG with vl-convert: no browser, no network."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
