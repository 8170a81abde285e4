"""Admin for the weekly evaluation loop: the list of weeks ("Run now", rebuild), a detail page with
server-side SVG charts and a CSV download; the review queue, rollout per channel and test runs."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ai.evaluation.weekly.charts import accuracy_chart, trend_chart
from ai.evaluation.weekly.export import report_csv
from ai.evaluation.weekly.stats import Week, last_complete_week
from ai.models import ChannelRollout, ReviewItem, TestRun, WeeklyReport
from ai.services.rollout import rollout_set
from ai.services.weekly import review_sample_create, weekly_report_build
from helpdesk import charts

TREND_WEEKS = 12


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


@admin.register(WeeklyReport)
class WeeklyReportAdmin(admin.ModelAdmin):
    list_display = ["week", "conversations", "ai_answered", "confirmed", "assumed", "reopened", "escalated",
                    "blocked", "accuracy", "built_at"]  # fmt: skip
    actions = ["rebuild"]
    change_list_template = "admin/ai/weeklyreport/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # figures are computed, never typed in

    def _figure(self, obj, key):
        return (obj.data or {}).get(key, 0)

    @admin.display(description=_("conversations"))
    def conversations(self, obj):
        return self._figure(obj, "conversations")

    @admin.display(description=_("AI answered"))
    def ai_answered(self, obj):
        return self._figure(obj, "ai_answered")

    @admin.display(description=_("confirmed"))
    def confirmed(self, obj):
        return f"{self._figure(obj, 'confirmed')} ({_pct((obj.data.get('rates') or {}).get('confirmed'))})"

    @admin.display(description=_("assumed"))
    def assumed(self, obj):
        return self._figure(obj, "assumed")

    @admin.display(description=_("reopened"))
    def reopened(self, obj):
        return self._figure(obj, "reopened")

    @admin.display(description=_("escalated"))
    def escalated(self, obj):
        return self._figure(obj, "escalated")

    @admin.display(description=_("blocked"))
    def blocked(self, obj):
        return self._figure(obj, "blocked")

    @admin.display(description=_("graded accuracy"))
    def accuracy(self, obj):
        return _pct((obj.data or {}).get("graded_accuracy"))

    @admin.action(description=_("Rebuild the selected weeks"))
    def rebuild(self, request, queryset):
        for report in queryset:
            weekly_report_build(week=Week(report.week_start))
        self.message_user(request, _("Rebuilt %(n)d week(s).") % {"n": queryset.count()}, messages.SUCCESS)

    def get_urls(self):
        own = [
            path(
                "run-now/",
                self.admin_site.admin_view(require_POST(self.run_now)),
                name="ai_weeklyreport_run_now",
            ),
            path("<int:pk>/csv/", self.admin_site.admin_view(self.csv_view), name="ai_weeklyreport_csv"),
        ]
        return own + super().get_urls()

    def run_now(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        week = last_complete_week()
        review_sample_create(week=week)
        report = weekly_report_build(week=week)
        self.message_user(
            request, _("Built the report for %(week)s.") % {"week": report.week}, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:ai_weeklyreport_change", args=[report.pk]))

    def csv_view(self, request, pk: int):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        report = get_object_or_404(WeeklyReport, pk=pk)
        response = HttpResponse(report_csv(report.data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="helmdesk-ai-{report.week}.csv"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = get_object_or_404(WeeklyReport, pk=object_id)
        if not self.has_view_permission(request, report):
            return HttpResponse(status=403)
        history = list(
            WeeklyReport.objects.filter(week_start__lte=report.week_start).order_by("-week_start")[
                :TREND_WEEKS
            ]
        )[::-1]
        d = report.data
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("AI weekly report %(week)s") % {"week": report.week},
            "report": report,
            "d": d,
            "trend_chart": trend_chart([h.data for h in history]),
            "accuracy_chart": accuracy_chart([h.data for h in history]),
            "class_chart": charts.bar_chart(
                [(k, d.get(k, 0)) for k in ("confirmed", "assumed", "reopened", "escalated", "blocked", "unresolved", "pending")]
            ),
            "channel_chart": charts.bar_chart(list((d.get("volume_by_channel") or {}).items())),
            "handoff_chart": charts.bar_chart([(r["reason"], r["n"]) for r in d.get("handoff_reasons", [])[:10]]),
            "rates": [(k, v, (d.get("deltas") or {}).get(f"{k}_rate")) for k, v in (d.get("rates") or {}).items()],
            "history": history[::-1],
        }  # fmt: skip
        return TemplateResponse(request, "admin/ai/weeklyreport/detail.html", context)


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["interaction", "week_start", "grade", "graded_by", "graded_at"]
    list_filter = ["week_start", "grade"]
    readonly_fields = ["interaction", "week_start", "grade", "comment", "graded_by", "graded_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ChannelRollout)
class ChannelRolloutAdmin(admin.ModelAdmin):
    list_display = ["channel", "mode", "percent", "updated_at"]

    def save_model(self, request, obj, form, change):
        saved = rollout_set(channel=obj.channel, mode=obj.mode, percent=obj.percent)
        obj.pk = saved.pk


@admin.register(TestRun)
class TestRunAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at", "finished_at"]
    readonly_fields = ["name", "ticket_ids", "created_by", "repeat_of", "finished_at"]

    def has_add_permission(self, request) -> bool:
        return False
