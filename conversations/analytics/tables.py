"""A report (analytics/selectors.py) as the page's tables, the chart's data and the CSV's rows. Pure: no database.

Every chart on the page has one of these tables as its accessible alternative, and the CSV holds the same
figures, raw (counts, seconds, minutes), one `section,key,value` row each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from conversations.analytics.selectors import (GROUPS, PERCENTILES, ROLES, SCREENING_STATUSES, SLA_STATES, TEAM_EVENTS,
                                               Report)
from conversations.models import Case
from inference.types import RISK_LEVELS, risk_rank

ROLE_LABELS = {"user": _("People"), "assistant": _("Assistant"), "moderator": _("Moderators")}
GROUP_LABELS = {"joy": _("Joy"), "sadness": _("Sadness"), "fear": _("Fear"), "anger": _("Anger"),
                "surprise": _("Surprise"), "disgust": _("Disgust"), "neutral": _("Neutral")}
SLA_LABELS = {"within": _("Acknowledged within the SLA"), "late": _("Acknowledged late"),
              "overdue": _("Not acknowledged, past the deadline"), "due": _("Not acknowledged, deadline to come"),
              "resolved_unacknowledged": _("Resolved without an acknowledgement")}
SCREENING_LABELS = {"asking": _("Still asking"), "done": _("Every question answered"),
                    "stopped": _("Stopped: the person moved on")}
TEAM_LABELS = {"assigned": _("Cases given by assignment"), "lead_assigned": _("Cases assigned by a lead"),
               "claimed": _("Cases claimed"), "returned_idle": _("Back in the queue: the case went quiet"),
               "returned_away": _("Back in the queue: its moderator went away"),
               "messages": _("Moderators' messages to people"),
               "approved_messages": _("…of them started from an approved reply")}
UNRESOLVED = "unresolved"
SCRIPTED, NOT_RECORDED = "scripted", "none"  # how the CSV names an empty strategy and backend


@dataclass
class Table:
    """A table of the page: `rows` start with the row's header cell; `foot` is a total row, if any."""

    id: str
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    foot: list[str] | None = None
    empty: str = ""


def _n(value: int | float | None, decimals: int = 0) -> str:
    return "–" if value is None else number_format(value, decimal_pos=decimals, use_l10n=True)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _levels(report: Report) -> list[str]:
    present = {level for level, _outcome in report.cases}
    return sorted(present, key=lambda level: risk_rank(level) if level in RISK_LEVELS else -1, reverse=True)


def _per_day(report_days: dict, keys, labels: dict, *, id: str, caption: str) -> Table:
    table = Table(id=id, caption=caption, columns=[_("Day"), *(labels[key] for key in keys), _("Total")])
    totals = dict.fromkeys(keys, 0)
    for day, counts in report_days.items():
        table.rows.append([date_format(day, "DATE_FORMAT"), *(_n(counts[key]) for key in keys),
                           _n(sum(counts.values()))])
        for key in keys:
            totals[key] += counts[key]
    table.foot = [_("All days"), *(_n(totals[key]) for key in keys), _n(sum(totals.values()))]
    return table


def cases_table(report: Report) -> Table:
    outcomes = [(UNRESOLVED, _("Not resolved")), *Case.Outcome.choices]
    table = Table(id="cases", caption=_("Cases opened in these days, by risk level and outcome"),
                  columns=[_("Level"), *(label for _key, label in outcomes), _("Total")],
                  empty=_("No case was opened in these days."))
    for level in _levels(report):
        counts = [report.cases.get((level, "" if key == UNRESOLVED else key), 0) for key, _label in outcomes]
        table.rows.append([level, *map(_n, counts), _n(sum(counts))])
    return table


def acknowledgement_table(report: Report) -> Table:
    ack = report.acknowledgement
    table = Table(id="acknowledgement", caption=_("Cases opened in these days, against the time to acknowledge (SLA)"),
                  columns=[_("Cases"), _("Number")])
    table.rows = [[SLA_LABELS[state], _n(ack.states[state])] for state in SLA_STATES]
    table.rows.append([_("Median time to acknowledge (minutes)"), _n(ack.median_minutes, 1)])
    return table


def escalations_table(report: Report) -> Table:
    esc = report.escalations
    table = Table(id="escalations", caption=_("Escalations to the next on-call tier in these days"),
                  columns=[_("Escalations"), _("Number")])
    table.rows = [[_("Escalations"), _n(esc.events)], [_("Cases escalated"), _n(esc.cases)],
                  *([_("To tier %(tier)s") % {"tier": tier}, _n(n)] for tier, n in esc.by_tier.items())]
    return table


def team_table(report: Report) -> Table:
    table = Table(id="team", caption=_("How cases reached moderators in these days, and their messages"),
                  columns=[_("Event"), _("Number")])
    table.rows = [[TEAM_LABELS[key], _n(report.team[key])] for key in TEAM_EVENTS]
    return table


def screening_table(report: Report) -> Table:
    table = Table(id="screening", caption=_("Screening questions asked in conversations started in these days"),
                  columns=[_("Screening"), _("Conversations")])
    table.rows = [[SCREENING_LABELS[status], _n(report.screening[status])] for status in SCREENING_STATUSES]
    return table


def feedback_table(report: Report) -> Table:
    table = Table(id="feedback", caption=_("Replies written in these days and the feedback on them, by strategy "
                                           "and backend"),
                  columns=[_("Strategy"), _("Backend"), _("Replies"), _("Helpful"), _("Not helpful"),
                           _("Rated"), _("Found helpful")],
                  empty=_("No reply in these days."))
    for rate in report.feedback:
        table.rows.append([rate.strategy or _("scripted text"), rate.backend or _("not recorded"),
                           _n(rate.replies), _n(rate.helpful), _n(rate.not_helpful),
                           _share(rate.rated, rate.replies), _share(rate.helpful, rate.rated)])
    return table


def reply_times_table(report: Report) -> Table:
    times = report.reply_times
    table = Table(id="reply-times", caption=_("Time from a person's message to the assistant's first reply"),
                  columns=[_("Measure"), _("Value")])
    table.rows = [[_("Messages answered"), _n(times.answered)], [_("Messages not answered"), _n(times.unanswered)],
                  *([_("%(pct)sth percentile (seconds)") % {"pct": pct}, _n(times.percentiles[pct], 1)]
                    for pct in PERCENTILES)]
    return table


def page_tables(report: Report) -> dict[str, Table]:
    return {
        "messages": _per_day(report.messages, ROLES, ROLE_LABELS, id="messages",
                             caption=_("Messages per day, by who wrote them")),
        "emotions": _per_day(report.emotions, GROUPS, GROUP_LABELS, id="emotions",
                             caption=_("People's messages per day, by the emotion read in them")),
        "cases": cases_table(report), "acknowledgement": acknowledgement_table(report),
        "escalations": escalations_table(report), "team": team_table(report), "screening": screening_table(report),
        "feedback": feedback_table(report), "reply_times": reply_times_table(report),
    }


def chart_data(report: Report) -> dict:
    """What the page's script draws (frontend/src/analytics/), given through a json_script element."""
    return {
        "days": [day.isoformat() for day in report.messages],
        "roles": list(ROLES),
        "messages": {role: [counts[role] for counts in report.messages.values()] for role in ROLES},
        "groups": list(GROUPS),
        "emotions": {group: [counts[group] for counts in report.emotions.values()] for group in GROUPS},
    }


def _raw(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def csv_rows(report: Report) -> list[tuple[str, str, str | int]]:
    """Every figure as (section, key, value); keys of several parts are joined by "/"."""
    period, ack, esc, times = report.period, report.acknowledgement, report.escalations, report.reply_times
    rows: list[tuple[str, str, str | int]] = [
        ("range", "start", period.start.isoformat()), ("range", "end", period.end.isoformat()),
        ("range", "time_zone", str(period.zone)),
    ]
    rows += [("messages_per_day", f"{day.isoformat()}/{role}", counts[role])
             for day, counts in report.messages.items() for role in ROLES]
    rows += [("emotions_per_day", f"{day.isoformat()}/{group}", counts[group])
             for day, counts in report.emotions.items() for group in GROUPS]
    rows += [("emotions_total", group, n) for group, n in report.emotion_totals.items()]
    rows += [("cases", f"{level}/{outcome or UNRESOLVED}", n) for (level, outcome), n in report.cases.items()]
    rows += [("acknowledgement", state, ack.states[state]) for state in SLA_STATES]
    rows.append(("acknowledgement", "median_minutes", _raw(ack.median_minutes)))
    rows += [("escalations", "events", esc.events), ("escalations", "cases", esc.cases)]
    rows += [("escalations", f"tier_{tier}", n) for tier, n in esc.by_tier.items()]
    rows += [("team", key, report.team[key]) for key in TEAM_EVENTS]
    rows += [("screening", status, report.screening[status]) for status in SCREENING_STATUSES]
    for rate in report.feedback:
        key = f"{rate.strategy or SCRIPTED}/{rate.backend or NOT_RECORDED}"
        rows += [("reply_feedback", f"{key}/replies", rate.replies), ("reply_feedback", f"{key}/helpful", rate.helpful),
                 ("reply_feedback", f"{key}/not_helpful", rate.not_helpful)]
    rows += [("first_reply", "answered", times.answered), ("first_reply", "unanswered", times.unanswered)]
    rows += [("first_reply", f"p{pct}_seconds", _raw(times.percentiles[pct])) for pct in PERCENTILES]
    return rows
