"""Search text never goes into a URL: a list page's filters are posted and kept behind a key.

The list pages whose filters can hold a name (the families list and the header's quick
search, referrals, the audit trail) post their filter form (CSRF-protected).
`post_search` keeps the posted fields in the server-side session under a random key and
answers with a redirect to the list with `?s=<key>` (Post/Redirect/Get), so the address
bar, the browser history, a bookmark, the sign-in page's `?next=` and any access log hold
an opaque key, never a name. The pager and the Back button work with the key. A key lasts
as long as the session (signing out or the idle timeout flushes it); a session keeps its
newest KEEP searches.

GET parameters still work as before, for filters without names (`?status=discharged`)
and for someone who types a query string themselves. The API takes `?q=` (its callers
are programs, not browser histories).

Here in audit, the lowest app with pages, because the audit page uses it as well as
families' lists.
"""

import secrets
from functools import wraps
from typing import NamedTuple

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect, QueryDict

SESSION_KEY = "imhhv_searches"
KEEP = 20
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "page", "s"})
EXPIRED = (
    "That search is no longer kept (searches last while you are signed in): search again below."
)


class SavedSearch(NamedTuple):
    data: QueryDict | None  # what the filter form is bound to; None: unbound
    key: str  # the ?s= key, "" when the filters came from the query string itself
    expired: bool  # ?s= named a search this session no longer holds

    def pager(self, form) -> list[tuple[str, str]]:
        """The (name, value) pairs the pager repeats: the key, never the text behind it."""
        return [("s", self.key)] if self.key else form.kept()


def post_search(request: HttpRequest) -> HttpResponseRedirect | None:
    """On a POST of the filter form: keep its fields, redirect to `?s=<key>`. Else None."""
    if request.method != "POST":
        return None
    fields = {
        name: values
        for name, values in request.POST.lists()
        if name not in NOT_KEPT and any(v.strip() for v in values)
    }
    if not fields:
        return HttpResponseRedirect(request.path)
    kept = dict(request.session.get(SESSION_KEY, {}))
    key = secrets.token_urlsafe(9)
    kept[key] = fields
    while len(kept) > KEEP:  # oldest first: a dict keeps its insertion order
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return HttpResponseRedirect(f"{request.path}?s={key}")


def saved_search(request: HttpRequest) -> SavedSearch:
    """The filters of this GET: the search `?s=` names, or the query string itself."""
    key = request.GET.get("s", "")
    if not key:
        params = request.GET.copy()
        params.pop("page", None)
        return SavedSearch(request.GET if params else None, "", False)
    fields = request.session.get(SESSION_KEY, {}).get(key)
    if fields is None:
        return SavedSearch(None, "", True)
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values)
    return SavedSearch(data, key, False)


def searchable(view):
    """A list view whose filter form is posted: a POST is kept and redirected to its key
    (`post_search`); a GET reaches the view with `request.search` (`saved_search`), after
    a message when the key it names is no longer kept."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        moved = post_search(request)
        if moved is not None:
            return moved
        request.search = saved_search(request)
        if request.search.expired:
            messages.info(request, EXPIRED)
        return view(request, *args, **kwargs)

    return wrapped
