from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from helpdesk.services.csat import csat_record, csat_survey_for_token


def survey(request, token: str):
    """GET only shows the question (link scanners follow GETs); the rating is saved by the POST."""
    try:
        survey = csat_survey_for_token(token)
    except ApplicationError as exc:
        return render(request, "portal/csat.html", {"error": exc.message}, status=404)
    preselected = request.GET.get("rating", "")
    if request.method == "POST":
        try:
            rating = int(request.POST.get("rating", "0"))
        except ValueError:
            rating = 0
        try:
            survey = csat_record(token=token, rating=rating, comment=request.POST.get("comment", ""))
        except ApplicationError as exc:
            return render(request, "portal/csat.html", {"survey": survey, "error": exc.message}, status=400)
        return render(
            request, "portal/csat.html", {"survey": survey, "done": True, "message": _("Thank you!")}
        )
    return render(
        request, "portal/csat.html", {"survey": survey, "preselected": preselected, "ratings": range(1, 6)}
    )
