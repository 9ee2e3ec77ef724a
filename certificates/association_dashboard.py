"""The certificates panel of the association officer's dashboard (``accounts.dashboard``): certificates issued per
month over the last year, as a bar chart drawn on the server (SVG) with the same figures in a table beside it, and
the way to certificate management. Registered from CertificatesConfig.ready()."""

from dataclasses import dataclass

from accounts.dashboard import register_panel

# The chart's drawing box (SVG user units); the bars share the width, the tallest one fills the plot's height.
CHART_WIDTH = 480
CHART_HEIGHT = 220
PLOT_TOP = 20  # room for the figure above the tallest bar
PLOT_BOTTOM = 190  # the axis; the month names go below it
BAR_GAP = 0.25  # of each month's slot


@dataclass(frozen=True, slots=True)
class Bar:
    month: object  # datetime.date, the first of the month
    count: int
    x: float
    y: float
    width: float
    height: float
    centre: float
    label_y: float  # the figure just above the bar


def chart_bars(rows: list[tuple], *, width: int = CHART_WIDTH) -> list[Bar]:
    """Pure: (month, count) rows -> bars in the drawing box; an empty year draws no bar (height 0)."""
    if not rows:
        return []
    slot = width / len(rows)
    tallest = max(count for _month, count in rows) or 1
    bars = []
    for position, (month, count) in enumerate(rows):
        height = (PLOT_BOTTOM - PLOT_TOP) * count / tallest
        x = position * slot + slot * BAR_GAP / 2
        bars.append(
            Bar(
                month=month,
                count=count,
                x=round(x, 2),
                y=round(PLOT_BOTTOM - height, 2),
                width=round(slot * (1 - BAR_GAP), 2),
                height=round(height, 2),
                centre=round(position * slot + slot / 2, 2),
                label_y=round(PLOT_BOTTOM - height - 4, 2),
            )
        )
    return bars


def association_certificates_context(*, association, user) -> dict:
    from certificates.selectors import certificates_per_month

    rows = certificates_per_month(association=association)
    return {
        "bars": chart_bars(rows),
        "total": sum(count for _month, count in rows),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "axis": PLOT_BOTTOM},
    }


def association_dashboard_register() -> None:
    register_panel(
        "certificates",
        order=30,
        template="certificates/association_dashboard_panel.html",
        context=association_certificates_context,
    )
