"""Server time to render the questionnaire page: 200 questions (target < 150 ms) and th-2564.

Run: .venv/bin/python bench/bench_questionnaire_page.py [--repeats 15] [--sqlite] [--check]

In-process, through Django's test Client (the whole middleware stack, the session and
user lookups, DEBUG off so templates are cached), on a fresh PostgreSQL database
(phrom_bench_page_<pid> on 127.0.0.1:5432; --sqlite, or no PostgreSQL, uses a temporary
SQLite file). Two pages, each of a coordinator whose response has half of its questions
answered, evidence on every third and last cycle's answers to carry over:
  synthetic-200  tests.synthetic.cycles.synthetic_framework(n_questions=200, seed=7), the same
                 page as tests/responses/test_performance.py (which pins its query count
                 and the median of seven renders of the view alone);
  th-2564        the shipped framework (its 114 questions on one page), for reference.
The first request of each page parses the framework and compiles the templates, as a
server's first request does; it is not counted. Then --repeats requests are timed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def build(tmp: Path) -> list[tuple[str, Any, Any, int]]:
    """(label, response, user, questions) of each page, with the database filled."""
    from bench.page_timing import busy_responses
    from phrom.responses.models import ResponseStatus

    return [(label, response, user, len(loaded.spec.questions))
            for label, loaded, response, user in busy_responses(
                tmp, status=ResponseStatus.IN_PROGRESS)]


def main() -> int:
    from bench.page_timing import run

    return run(title="questionnaire page", name="page", description=__doc__.split("\n", 1)[0],
               build=build, url_of=lambda response: f"/responses/{response.pk}/",
               count_forms=lambda html: html.count('class="q-form"'))


if __name__ == "__main__":
    sys.exit(main())
