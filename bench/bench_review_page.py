"""Server time to render the review page: 200 questions (target < 150 ms) and th-2564.

Run: .venv/bin/python bench/bench_review_page.py [--repeats 15] [--sqlite] [--check]

In-process, through Django's test Client (the whole middleware stack, DEBUG off), on a
fresh PostgreSQL database (phrom_bench_review_<pid>; --sqlite, or no PostgreSQL, uses a
temporary SQLite file). Each page is a reviewer's, on a submitted response with half of
its questions answered, evidence on every third, last cycle's answers and evidence, and a
verdict with a verified value on every fifth question; the page scores the response
twice (claimed and verified). The same shape as bench/bench_questionnaire_page.py:
  synthetic-200  tests.synthetic.cycles.synthetic_framework(n_questions=200, seed=7);
  th-2564        the shipped framework (114 questions), for reference.
tests/reviews/test_pages.py pins the page's query count.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def build(tmp: Path) -> list[tuple[str, Any, Any, int]]:
    """(label, response, reviewer, questions) of each page, with the database filled."""
    from django.contrib.auth import get_user_model

    from bench.page_timing import busy_responses
    from phrom.accounts.models import Profile, Role
    from phrom.frameworks.models import CycleStatus
    from phrom.responses.models import Answer, ResponseStatus
    from phrom.reviews.models import ReviewAssignment, Verdict, VerdictKind

    pages = []
    for label, loaded, response, _user in busy_responses(tmp, status=ResponseStatus.SUBMITTED):
        questions = loaded.spec.questions
        cycle = loaded.cycle
        cycle.status = CycleStatus.IN_REVIEW
        cycle.save()
        reviewer = get_user_model().objects.create_user(
            username=f"reviewer-{label}@example.go.th", first_name="Review"
        )
        Profile.objects.create(user=reviewer, role=Role.REVIEWER)
        ReviewAssignment.objects.create(response=response, reviewer=reviewer)
        answered = {a.question: a for a in Answer.objects.filter(response=response)}
        Verdict.objects.bulk_create([
            Verdict(response=response, question=q.code, verdict=VerdictKind.PARTLY_VERIFIED,
                    has_verified_value=True, verified_value=answered[q.code].value,
                    reason="bench", version=1, by=reviewer)
            for i, q in enumerate(questions) if i % 5 == 0 and q.code in answered
        ])
        pages.append((label, response, reviewer, len(questions)))
    return pages


def main() -> int:
    from bench.page_timing import run

    return run(title="review page", name="review", description=__doc__.split("\n", 1)[0],
               build=build, url_of=lambda response: f"/reviews/{response.pk}/",
               count_forms=lambda html: html.count('/verdict"'))


if __name__ == "__main__":
    sys.exit(main())
