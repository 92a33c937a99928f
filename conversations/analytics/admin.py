"""The team's analytics in Django admin: one page of aggregates over a date range, and the same figures as CSV.

For moderation leads (and superusers), not every moderator: the figures describe the team's work as a whole.
Aggregates only (analytics/selectors.py): no message text, no reason given with feedback, no id of a person.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations import permissions
from conversations.admin_base import PageAdmin
from conversations.analytics import selectors, tables
from conversations.models import Analytics
from conversations.mood.selectors import today_in, zone_named

DEFAULT_DAYS = 30
ISO_DATE = "%Y-%m-%d"
DATE_INPUT = forms.DateInput(format=ISO_DATE, attrs={"type": "date"})


class RangeForm(forms.Form):
    """The range: whole days in the viewer's time zone (`tz`, which the page's script fills in from the browser;
    the server's zone without it)."""

    # ISO dates whatever the page's language: what a date input sends and shows.
    start = forms.DateField(label=gettext_lazy("From"), input_formats=[ISO_DATE], widget=DATE_INPUT,
                            error_messages={"invalid": gettext_lazy("Enter the first day as a date, YYYY-MM-DD.")})
    end = forms.DateField(label=gettext_lazy("To"), input_formats=[ISO_DATE], widget=DATE_INPUT,
                          error_messages={"invalid": gettext_lazy("Enter the last day as a date, YYYY-MM-DD.")})
    tz = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The last day comes before the first: choose a first day on or "
                                              "before the last."), code="reversed")
            if (end - start).days + 1 > selectors.MAX_DAYS:
                raise forms.ValidationError(_("Choose at most %(days)s days at a time.") % {"days": selectors.MAX_DAYS},
                                            code="too_long")
        return cleaned

    def period(self) -> selectors.Period:
        data = self.cleaned_data
        return selectors.Period(start=data["start"], end=data["end"], zone=zone_named(data.get("tz")))


def range_form(params) -> RangeForm:
    """Bound to the request's range when it names one; else the last DEFAULT_DAYS days, up to today."""
    if "start" in params or "end" in params:
        return RangeForm(params)
    zone = zone_named(params.get("tz"))
    today = today_in(zone)
    return RangeForm({"start": today - timedelta(days=DEFAULT_DAYS - 1), "end": today, "tz": params.get("tz", "")})


@admin.register(Analytics)
class AnalyticsAdmin(PageAdmin):
    """One page, the aggregates; no list of rows and no row's page."""

    def has_module_permission(self, request):
        return request.user.has_perm(permissions.LEAD_CASE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(permissions.LEAD_CASE)

    def page_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = range_form(request.GET)
        report = None
        if form.is_valid():
            report = selectors.analytics_report(period=form.period(), now=timezone.now())
            if request.GET.get("format") == "csv":
                return csv_response(report)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": gettext_lazy("Analytics"), "form": form, "report": report,
                   "tables": tables.page_tables(report) if report else None,
                   "chart": tables.chart_data(report) if report else None,
                   "csv_query": _csv_query(form) if report else ""}
        return TemplateResponse(request, "admin/conversations/analytics/analytics.html", context)


def _csv_query(form: RangeForm) -> str:
    data = form.cleaned_data
    query = {"start": data["start"].isoformat(), "end": data["end"].isoformat(), "format": "csv"}
    if data.get("tz"):
        query["tz"] = data["tz"]
    return urlencode(query)


def csv_response(report: selectors.Report) -> HttpResponse:
    period = report.period
    name = f"emochat-analytics-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
    writer = csv.writer(response)
    writer.writerow(["section", "key", "value"])
    writer.writerows(tables.csv_rows(report))
    return response
