"""Views that exist only for benchmarks, routed only when PHROM_BENCH_VIEWS is "true".

``minimal`` is the baseline of bench/bench_autosave.py: the cheapest view that still pays
what every signed-in request pays (session, user, the whole middleware stack), so the
autosave endpoint can be compared with it on the same server in the same run.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@login_required
@require_POST
def minimal(request: HttpRequest) -> JsonResponse:
    """``{"ok": true}``: no database work beyond the session and user lookups."""
    return JsonResponse({"ok": True})
