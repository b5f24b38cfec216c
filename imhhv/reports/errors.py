"""Error pages: plain, helpful, and JSON for the API. Never a stack trace."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _respond(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request, exception=None):
    # A refusal that explains itself (e.g. a discharged family is read-only) says so.
    reason = str(exception) if exception is not None and str(exception) else ""
    return _respond(
        request,
        403,
        "Not allowed",
        reason or "Your role does not allow this. If you need it, ask your agency administrator.",
    )


def page_not_found(request, exception=None):
    return _respond(
        request, 404, "Not found", "There is nothing here, or it is not in your caseload."
    )


def server_error(request):
    return _respond(
        request,
        500,
        "Something went wrong",
        "The server could not finish this request. Nothing was saved. Please try again.",
    )
