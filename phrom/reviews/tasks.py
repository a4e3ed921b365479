"""Work of the task worker (``phrom worker``) for reviews: clarification requests left
unanswered past their deadline expire once when the worker starts and then hourly
(``phrom.core.housekeeping``); ``phrom manage expire_clarifications`` does the same from
cron where no worker runs.
"""

from __future__ import annotations

from phrom.core.housekeeping import run_logged


def expire_clarifications_now() -> int:
    """Expire what is due, log it, and return how many requests expired (0 on error)."""
    from phrom.reviews.clarifications import clarifications_expire

    return run_logged(clarifications_expire, done="%d clarification request(s) expired",
                      failed="clarification requests could not be expired this round")
