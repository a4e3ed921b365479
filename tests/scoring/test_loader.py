"""Behaviour of scoring.loader: frameworks that load, and every problem it reports."""

from __future__ import annotations

import ast
import pickle
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.loader import (
    FrameworkError,
    FrameworkProblem,
    load_framework,
    load_framework_text,
    read_framework_text,
)
from scoring.model import Bilingual, Condition, Framework, QuestionType, Threshold

DATA = Path(__file__).parent / "data"
SOURCE = "t.yaml"


def validate_framework_file(path: Path) -> list[FrameworkProblem]:
    """Every problem of the framework file at ``path``, in file order; empty when it loads."""
    try:
        load_framework(path)
    except FrameworkError as error:
        return error.problems
    return []


HEADER = """\
format: phrom-framework/1
code: test-2564
name: {th: ทดสอบ, en: Test}
cycle: {year_be: 2564, year_ce: 2021}
"""

YES_NO = """\
- code: Q1
  type: yes_no
  text: {th: มีไหม, en: Is there one}
"""


def document(questions: str = YES_NO, *, header: str = HEADER, tail: str = "") -> str:
    """A framework with one dimension and one indicator holding ``questions``."""
    body = textwrap.indent(textwrap.dedent(questions), " " * 10)
    return (
        header
        + "dimensions:\n"
        + "  - code: policy\n"
        + "    name: {th: นโยบาย, en: Policy}\n"
        + "    indicators:\n"
        + "      - code: POL-01\n"
        + "        name: {th: แผน, en: Plan}\n"
        + "        questions:\n"
        + body
        + textwrap.dedent(tail)
    )


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line holding the ``occurrence``-th ``fragment`` of ``text``."""
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{fragment!r} is not in the text")


def problems_of(text: str) -> list[FrameworkProblem]:
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, SOURCE)
    return caught.value.problems


def only_problem(text: str) -> FrameworkProblem:
    problems = problems_of(text)
    assert len(problems) == 1, "\n".join(str(problem) for problem in problems)
    return problems[0]


Q = "dimensions[0].indicators[0].questions"


# --- frameworks that load ----------------------------------------------------------------


def test_it_loads_the_example_file_into_immutable_objects() -> None:
    framework = load_framework(DATA / "minimal.yaml")

    assert isinstance(framework, Framework)
    assert framework.code == "minimal-2564"
    assert framework.name == Bilingual("กรอบการประเมินขั้นต่ำ", "Minimal framework")
    assert (framework.year_be, framework.year_ce) == (2564, 2021)
    assert framework.previous == "minimal-2563"
    assert framework.scale == 100.0 and framework.precision == 2
    assert framework.normalisation == "none"
    assert dict(framework.meta) == {"source": "tests", "licence": "CC0-1.0"}
    assert isinstance(framework.dimensions, tuple)
    assert [d.code for d in framework.dimensions] == ["policy", "services"]
    assert [d.weight for d in framework.dimensions] == [40.0, 60.0]
    assert isinstance(framework.dimensions[0].weight, float)
    assert [q.code for q in framework.questions] == [
        "POL-01-1",
        "POL-01-2",
        "SRV-01-1",
        "SRV-01-2",
        "SRV-01-3",
    ]
    assert framework.indicators[0].replaces == ("POL-01A",)
    assert framework.indicators[1].weight == 2.0


def test_it_builds_each_question_type_with_its_details() -> None:
    framework = load_framework(str(DATA / "minimal.yaml"))

    gate = framework.question("POL-01-1")
    assert gate is not None
    assert gate.type is QuestionType.YES_NO and gate.evidence == "required"
    assert gate.condition is None and gate.weight == 1.0 and gate.required

    reach = framework.question("POL-01-2")
    assert reach is not None
    assert reach.condition == Condition(question="POL-01-1", equals=True)
    assert [(o.code, o.points) for o in reach.options] == [("unit", 1.0), ("agency", 2.0)]
    assert isinstance(reach.options, tuple)
    assert reach.max_points == 2.0

    share = framework.question("SRV-01-1")
    assert share is not None
    assert share.thresholds == (Threshold(50.0, 1.0), Threshold(80.0, 2.0))

    maturity = framework.question("SRV-01-2")
    assert maturity is not None
    assert maturity.allow_na
    assert [level.en for level in maturity.levels] == [
        "None",
        "Information",
        "Interaction",
        "Transaction",
        "Connected",
        "Proactive",
    ]

    site = framework.question("SRV-01-3")
    assert site is not None
    assert site.type is QuestionType.URL and not site.required and not site.scored


def test_it_builds_bands_peer_groups_and_awards() -> None:
    framework = load_framework(DATA / "minimal.yaml")

    assert [(b.code, b.minimum) for b in framework.bands] == [
        ("advanced", 80.0),
        ("developing", 0.0),
    ]
    assert [g.code for g in framework.peer_groups] == ["service"]
    top, gain, best = framework.awards
    assert (top.kind, top.top, top.per_group) == ("top_total", 3, True)
    assert (gain.kind, gain.floor, gain.tie_break) == ("top_gain", 80.0, ("total",))
    assert best.dimensions == ("services",)
    assert best.tie_break == ("total", "dimension:policy")
    # An award without a name shows its code.
    assert best.name == Bilingual("best_services", "best_services")
    assert (best.ties, best.near_misses) == ("share", 5)


def test_it_finds_nothing_wrong_with_the_example_file() -> None:
    assert validate_framework_file(DATA / "minimal.yaml") == []


def test_it_applies_the_defaults_of_keys_left_out() -> None:
    framework = load_framework_text(document(), SOURCE)

    assert framework.scale == 100.0
    assert framework.precision == 2
    assert framework.normalisation == "none"
    assert framework.previous is None and framework.note is None
    assert framework.bands == () and framework.awards == () and framework.peer_groups == ()
    question = framework.questions[0]
    assert question.weight == 1.0
    assert question.evidence == "optional"
    assert question.when_hidden == "zero"
    assert question.required is True and question.allow_na is False


def test_it_uses_a_plain_string_for_both_languages() -> None:
    framework = load_framework_text(
        document(header=HEADER.replace("{th: ทดสอบ, en: Test}", "TEST"))
    )

    assert framework.name == Bilingual("TEST", "TEST")


def test_it_builds_every_kind_of_condition() -> None:
    text = document(
        """\
        - code: G
          type: yes_no
          text: G
        - code: S
          type: single_choice
          text: S
          options:
            - {code: yes, label: Yes, points: 1}
            - {code: no, label: No, points: 0}
        - code: M
          type: multiple_choice
          text: M
          cap: 2
          options:
            - {code: a, label: A, points: 1}
            - {code: b, label: B, points: 1}
            - {code: c, label: C, points: 1}
        - code: L
          type: maturity
          text: L
          levels: [l0, l1, l2, l3, l4, l5]
        - code: N
          type: number
          text: N
          minimum: 0
          maximum: 1e3
          unit: {th: คน, en: people}
        - code: P
          type: percentage
          text: P
        - {code: C1, type: text, text: C1, when: {question: G, equals: false}}
        - {code: C2, type: text, text: C2, when: {question: S, equals: yes}}
        - {code: C3, type: text, text: C3, when: {question: S, any_of: [yes, no]}}
        - {code: C4, type: text, text: C4, when: {question: M, any_of: [b]}}
        - {code: C5, type: text, text: C5, when: {question: L, at_least: 3}}
        - {code: C6, type: text, text: C6, when: {question: N, at_least: 10.5}}
        - {code: C7, type: text, text: C7, when: {question: P, at_least: 50}, when_hidden: exclude}
        """
    )
    framework = load_framework_text(text, SOURCE)

    conditions = {q.code: q.condition for q in framework.questions if q.condition}
    assert conditions == {
        "C1": Condition(question="G", equals=False),
        # Unquoted yes is YAML's true, but as an option code it is the text "yes".
        "C2": Condition(question="S", equals="yes"),
        "C3": Condition(question="S", any_of=("yes", "no")),
        "C4": Condition(question="M", any_of=("b",)),
        "C5": Condition(question="L", at_least=3.0),
        "C6": Condition(question="N", at_least=10.5),
        "C7": Condition(question="P", at_least=50.0),
    }
    multiple = framework.question("M")
    assert multiple is not None and multiple.cap == 2.0
    number = framework.question("N")
    assert number is not None
    assert (number.minimum, number.maximum) == (0.0, 1000.0)
    assert number.unit == Bilingual("คน", "people")
    maturity = framework.question("L")
    assert maturity is not None and maturity.levels[5] == Bilingual("l5", "l5")
    hidden = framework.question("C7")
    assert hidden is not None and hidden.when_hidden == "exclude"


def test_it_follows_yaml_anchors_and_merge_keys() -> None:
    text = document(
        """\
        - code: Q1
          type: single_choice
          text: Q1
          options: &scale
            - {code: low, label: Low, points: 0}
            - {code: high, label: High, points: 1}
        - &base
          code: Q2
          type: single_choice
          text: Q2
          weight: 2
          options: *scale
        - <<: *base
          code: Q3
        """
    )
    framework = load_framework_text(text, SOURCE)

    q2, q3 = framework.questions[1:]
    assert [o.code for o in q2.options] == ["low", "high"]
    assert (q3.code, q3.weight, q3.options) == ("Q3", 2.0, q2.options)


def test_it_accepts_dimension_weights_that_add_up_to_weights_total_within_rounding() -> None:
    text = document(header=HEADER + "weights_total: 0.3\n").replace(
        "  - code: policy\n", "  - code: policy\n    weight: 0.1\n"
    )
    extra = (
        "  - code: other\n"
        "    weight: 0.2\n"
        "    name: Other\n"
        "    indicators:\n"
        "      - {code: O-1, name: O, questions: [{code: O-1-1, type: yes_no, text: O}]}\n"
    )
    framework = load_framework_text(text + extra, SOURCE)

    assert [d.weight for d in framework.dimensions] == [0.1, 0.2]


def test_it_allows_a_top_gain_award_without_a_previous_cycle() -> None:
    text = document(
        tail="awards:\n  - {code: gain, name: Gain, kind: top_gain, top: 1, floor: 50}\n"
    )

    assert load_framework_text(text, SOURCE).previous is None


def test_it_allows_a_question_weight_of_zero_to_ask_without_scoring() -> None:
    text = document(YES_NO + "- {code: Q2, type: yes_no, text: Q2, weight: 0}\n")

    question = load_framework_text(text, SOURCE).question("Q2")
    assert question is not None and question.weight == 0.0 and not question.scored


# --- how problems are reported -----------------------------------------------------------


def test_it_reports_an_option_without_points_with_its_line() -> None:
    text = document(
        """\
        - code: Q1
          type: single_choice
          text: Q1
          options:
            - {code: a, label: A, points: 1}
            - {code: b, label: B}
        """
    )
    problem = only_problem(text)

    assert problem == FrameworkProblem(
        SOURCE,
        line_of(text, "{code: b"),
        f"{Q}[0].options[1]",
        'option has no points; add "points: <number>"',
    )
    assert str(problem) == (
        f't.yaml:{problem.line}: {Q}[0].options[1]: option has no points; add "points: <number>"'
    )


def test_it_names_the_line_of_a_block_option_without_points() -> None:
    text = document(
        """\
        - code: Q1
          type: single_choice
          text: Q1
          options:
            - code: a
              label: A
              points: 1
            - code: b
              label: B
        """
    )
    problem = only_problem(text)

    assert problem.line == line_of(text, "- code: b")
    assert problem.path == f"{Q}[0].options[1]"


def test_it_reports_every_problem_at_once_in_file_order() -> None:
    text = document(
        """\
        - code: Q1
          type: yes_no
          text: Q1
          weight: -1
        - code: Q1
          type: yesno
          text: Q2
        """,
        header=HEADER.replace("year_ce: 2021", "year_ce: 2020"),
    )
    problems = problems_of(text)

    assert [(p.line, p.path) for p in problems] == [
        (4, "cycle.year_be"),
        (line_of(text, "weight: -1"), f"{Q}[0].weight"),
        (line_of(text, "code: Q1", 2), f"{Q}[1].code"),
        (line_of(text, "type: yesno"), f"{Q}[1].type"),
    ]


def test_the_error_lists_every_problem_under_a_count_and_loads_nothing() -> None:
    text = document(header=HEADER.replace("2021", "2020") + "scale: 10\nprecision: 7\n")

    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, "th-2564.yaml")

    error = caught.value
    assert isinstance(error, ValueError)
    lines = str(error).splitlines()
    assert lines[0] == "th-2564.yaml: 3 problems; nothing was loaded"
    assert lines[1:] == [str(problem) for problem in error.problems]
    assert lines[1].startswith("th-2564.yaml:4: cycle.year_be: year_be 2564 does not match")
    assert lines[2] == "th-2564.yaml:5: scale: scale must be 1 or 100, got 10"
    assert (
        lines[3] == "th-2564.yaml:6: precision: precision must be a whole number from 0 to 6, got 7"
    )


def test_the_error_says_problem_in_the_singular_for_one() -> None:
    error = FrameworkError([FrameworkProblem("a.yaml", 3, "code", "bad")])

    assert str(error) == "a.yaml: 1 problem; nothing was loaded\na.yaml:3: code: bad"


def test_the_error_survives_pickling_with_its_problems() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(document(header=HEADER + "scale: 3\n"), SOURCE)

    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.problems == caught.value.problems
    assert str(copy) == str(caught.value)


def test_validating_returns_the_problems_instead_of_raising(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(document(header=HEADER + "scale: 3\n"), encoding="utf-8")

    problems = validate_framework_file(path)

    assert [(p.source, p.line, p.path) for p in problems] == [(str(path), 5, "scale")]
    with pytest.raises(FrameworkError, match="1 problem; nothing was loaded"):
        load_framework(path)


def test_a_problem_without_line_or_path_reads_cleanly() -> None:
    assert str(FrameworkProblem("a.yaml", None, "", "cannot read")) == "a.yaml: cannot read"
    assert str(FrameworkProblem("a.yaml", 2, "", "bad YAML")) == "a.yaml:2: bad YAML"


# --- YAML-level problems -----------------------------------------------------------------


def test_it_reports_a_yaml_syntax_error_as_one_problem_with_its_line() -> None:
    text = document(YES_NO + "- code: Q2\n  type: yes_no\n  text: [unclosed\n")

    problem = only_problem(text)

    assert problem.line is not None and problem.line >= line_of(text, "[unclosed")
    assert problem.path == ""
    assert problem.message.startswith("YAML syntax error: ")


def test_it_reports_a_colon_in_the_wrong_place_on_its_line() -> None:
    text = HEADER + "note: a: b\n"

    problem = only_problem(text)

    assert problem.line == 5
    assert "mapping values are not allowed here" in problem.message


def test_it_reports_tabs_used_for_indentation() -> None:
    problem = only_problem(HEADER + "dimensions:\n\t- code: x\n")

    assert problem.line == 6
    assert "not tabs" in problem.message


def test_it_reports_a_second_yaml_document() -> None:
    problem = only_problem("---\n" + document() + "---\ncode: other\n")

    assert problem.line == len(document().splitlines()) + 2
    assert problem.message.startswith(
        "YAML syntax error: expected a single document in the stream, but found another document"
    )


def test_it_reports_a_tag_it_will_not_construct() -> None:
    text = document(header=HEADER + "note: !!python/object:os.system ls\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (5, "note")
    assert problem.message.startswith("cannot read 'ls' as tag:yaml.org,2002:python/object")


@pytest.mark.parametrize(
    ("tagged", "message"),
    [
        ("!!timestamp x", "cannot read 'x' as tag:yaml.org,2002:timestamp"),
        ("!!float ''", "cannot read '' as tag:yaml.org,2002:float"),
        ("!!int 12x", "cannot read '12x' as tag:yaml.org,2002:int"),
    ],
)
def test_it_reports_a_value_its_tag_cannot_read(tagged: str, message: str) -> None:
    problem = only_problem(document(header=HEADER + f"meta: {{source: {tagged}}}\n"))

    assert (problem.line, problem.path) == (5, "meta.source")
    assert problem.message == f"{message}; remove the tag or fix the value"


def test_it_reads_a_lone_equals_sign_as_text() -> None:
    framework = load_framework_text(document("- {code: Q1, type: yes_no, text: =}\n"), SOURCE)

    assert framework.questions[0].text == Bilingual("=", "=")


def test_it_reports_a_duplicate_key_with_the_line_of_the_repeat() -> None:
    text = document(
        """\
        - code: Q1
          type: yes_no
          text: Q1
          weight: 1
          weight: 2
        """
    )
    problem = only_problem(text)

    assert problem.line == line_of(text, "weight: 2")
    assert problem.path == f"{Q}[0].weight"
    assert problem.message.startswith(
        f'duplicate key "weight" (first at line {line_of(text, "weight: 1")})'
    )


def test_it_reports_a_duplicate_top_level_key() -> None:
    text = document(header=HEADER + "code: again\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (5, "code")
    assert "first at line 2" in problem.message


def test_it_reports_an_empty_file() -> None:
    problem = only_problem("# nothing yet\n")

    assert problem.line == 1
    assert "the file is empty" in problem.message


def test_it_reports_a_document_that_is_not_a_mapping() -> None:
    problem = only_problem("- format: phrom-framework/1\n")

    assert (problem.line, problem.path) == (1, "")
    assert problem.message.startswith("the framework must be a mapping")


def test_it_reports_a_file_it_cannot_read(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"

    problems = validate_framework_file(missing)

    assert len(problems) == 1
    assert problems[0].source == str(missing) and problems[0].line is None
    assert problems[0].message.startswith("cannot read the file")
    with pytest.raises(FrameworkError):
        load_framework(missing)


def test_it_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"format: phrom-framework/1\nname: caf\xe9\n")

    problems = validate_framework_file(path)

    assert [(p.line, p.message) for p in problems] == [
        (2, "the file is not UTF-8 text; save it as UTF-8")
    ]


def test_it_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + document().encode("utf-8"))

    assert load_framework(path).code == "test-2564"


@pytest.mark.parametrize(
    "nested",
    [
        " " + "[" * 10_000 + "]" * 10_000,
        " " + "{a: " * 10_000 + "1" + "}" * 10_000,
        "\n" + "".join("  " * depth + " -\n" for depth in range(2_000)),
    ],
    ids=["flow lists", "flow mappings", "block lists"],
)
def test_it_refuses_yaml_nested_deeper_than_any_framework(nested: str) -> None:
    problem = only_problem(HEADER + "note:" + nested + "\n")

    assert problem.source == SOURCE and problem.path == ""
    assert problem.line is not None and problem.line >= 5
    assert problem.message.startswith(
        "the document nests lists and mappings more than 32 levels deep here; a framework "
        "needs about 10"
    )


def test_it_refuses_aliases_that_repeat_more_values_than_any_framework() -> None:
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + level)}: &{chr(98 + level)} [" + ", ".join([f"*{chr(97 + level)}"] * 10) + "]\n"
        for level in range(8)
    )

    problem = only_problem(HEADER + laughs)

    assert problem.line == 9  # "e: [*d, ...]": more than 10 x 11,111 values
    assert problem.message.startswith(
        'the aliases of this file repeat more than 100,000 values (here "*d"); a framework '
        "needs far fewer"
    )


def test_it_refuses_an_alias_inside_the_value_it_names() -> None:
    problem = only_problem(HEADER + "note: &loop [a, *loop]\n")

    assert problem.line == 5
    assert problem.message.startswith('the alias "*loop" is inside the value of "&loop" itself')


def test_it_reports_an_alias_without_an_anchor_and_an_anchor_defined_twice() -> None:
    missing = only_problem(HEADER + "note: *nowhere\n")
    twice = only_problem(HEADER + "meta: {a: &x one, b: &x two}\n")

    assert missing.line == 5
    assert missing.message == (
        'the alias "*nowhere" refers to no anchor; define "&nowhere" before it or correct the name'
    )
    assert twice.line == 5
    assert twice.message.startswith('the anchor "&x" is defined twice (first at line 5)')


def test_it_reports_a_nul_byte_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(HEADER.encode() + b"note: a\x00b\n")

    problems = validate_framework_file(path)

    assert [(p.source, p.line, p.message) for p in problems] == [
        (
            str(path),
            5,
            "the file holds the control character U+0000, which YAML does not allow; remove it "
            "(a framework file is plain UTF-8 text)",
        )
    ]


def test_it_refuses_a_file_larger_than_any_framework_without_reading_all_of_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * 10_000_001)
    devices = [Path("/dev/zero")] if Path("/dev/zero").exists() else []

    for huge in [path, *devices]:
        problems = validate_framework_file(huge)

        assert [(p.line, p.message.split(";")[0]) for p in problems] == [
            (None, "the file is larger than 10 MB, far beyond any framework")
        ]
    with pytest.raises(FrameworkError, match="larger than 10 MB"):
        load_framework_text("#" * 10_000_001, SOURCE)
    with pytest.raises(FrameworkError, match="larger than 10 MB"):
        read_framework_text(path)


def test_it_reads_the_text_of_a_framework_file_for_storing(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + document().encode("utf-8"))

    assert read_framework_text(path) == document()
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(FrameworkError, match="t.yaml:1: the file is not UTF-8 text"):
        read_framework_text(path)


# --- keys and types ----------------------------------------------------------------------


def test_it_suggests_the_nearest_known_key_for_an_unknown_one() -> None:
    text = document(YES_NO + "  wieght: 2\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "wieght"), f"{Q}[0].wieght")
    assert problem.message == 'unknown key "wieght"; did you mean "weight"?'


def test_it_lists_the_known_keys_when_nothing_is_near() -> None:
    problem = only_problem(document(header=HEADER + "zzz: 1\n"))

    assert (problem.line, problem.path) == (5, "zzz")
    assert problem.message.startswith('unknown key "zzz"; remove it or use one of: format, code')


def test_it_reports_a_missing_required_key_at_the_line_of_its_mapping() -> None:
    text = document("- code: Q1\n  type: yes_no\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "- code: Q1"), f"{Q}[0]")
    assert problem.message == 'question has no text; add "text: {th: ..., en: ...}"'


def test_it_reports_each_missing_top_level_key() -> None:
    problems = problems_of("format: phrom-framework/1\n")

    assert [p.message.split(";")[0] for p in problems] == [
        "the framework has no code",
        "the framework has no name",
        "the framework has no cycle",
        "the framework has no dimensions",
    ]
    assert {p.line for p in problems} == {1}


def test_it_reports_a_weight_that_is_not_a_number() -> None:
    text = document(YES_NO + '  weight: "abc"\n')

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "abc"), f"{Q}[0].weight")
    assert problem.message == "weight must be a number, 0 or more, got 'abc'"


def test_it_reports_a_dimension_weight_that_is_not_a_positive_number() -> None:
    text = document().replace("  - code: policy\n", "  - code: policy\n    weight: abc\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "weight: abc"), "dimensions[0].weight")
    assert problem.message == "weight must be a positive number, got 'abc'"


@pytest.mark.parametrize("weight", ["0", "-2", ".inf", "true", "[1]"])
def test_it_reports_an_indicator_weight_that_is_not_positive(weight: str) -> None:
    text = document().replace(
        "        name: {th: แผน, en: Plan}\n",
        f"        name: {{th: แผน, en: Plan}}\n        weight: {weight}\n",
    )

    problem = only_problem(text)

    assert problem.path == "dimensions[0].indicators[0].weight"
    assert problem.line == line_of(text, f"weight: {weight}")
    assert problem.message.startswith("weight must be a positive number, got ")


def test_it_suggests_removing_the_quotes_of_a_quoted_number() -> None:
    text = document().replace("  - code: policy\n", '  - code: policy\n    weight: "20"\n')

    problem = only_problem(text)

    assert problem.message == "weight must be a positive number, got '20'; remove the quotes"


def test_it_reports_a_boolean_that_is_not_true_or_false() -> None:
    text = document(YES_NO + "  allow_na: maybe\n")

    problem = only_problem(text)

    assert (problem.path, problem.message) == (
        f"{Q}[0].allow_na",
        "allow_na must be true or false, got 'maybe'",
    )


def test_it_reports_an_unknown_choice_with_the_nearest_one() -> None:
    text = document(YES_NO + "  evidence: requred\n")

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].evidence"
    assert problem.message == (
        "evidence must be one of required, optional, none, got 'requred'; "
        'did you mean "required"?'
    )


def test_it_reports_a_list_where_a_mapping_belongs() -> None:
    problem = only_problem(
        document(header=HEADER.replace("cycle: {", "cycle: [").replace("2021}", "2021]"))
    )

    assert (problem.line, problem.path) == (4, "cycle")
    assert problem.message.startswith("cycle must be a mapping like {year_be: 2564")


# --- codes -------------------------------------------------------------------------------


def test_it_reports_a_code_with_characters_outside_the_allowed_set() -> None:
    text = document("- code: POL 01/1\n  type: yes_no\n  text: Q\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "POL 01/1"), f"{Q}[0].code")
    assert problem.message == (
        'code "POL 01/1" may contain only letters A-Z and a-z, digits, "-", "_" and "."; '
        'e.g. "POL-01-1"'
    )


def test_it_reports_a_code_that_is_empty() -> None:
    problem = only_problem(document("- code:\n  type: yes_no\n  text: Q\n"))

    assert problem.path == f"{Q}[0].code"
    assert "got nothing" in problem.message


def test_it_reads_an_unquoted_number_as_a_code() -> None:
    framework = load_framework_text(document("- {code: 101, type: yes_no, text: Q}\n"), SOURCE)

    assert framework.questions[0].code == "101"


@pytest.mark.parametrize("code", ["2564", "'2564'"])
def test_it_refuses_a_framework_code_of_digits_only_which_reads_as_a_year(code: str) -> None:
    text = document(header=HEADER.replace("code: test-2564", f"code: {code}"))

    problem = only_problem(text)

    assert (problem.line, problem.path) == (2, "code")
    assert 'code "2564" is only digits' in problem.message
    assert "Buddhist Era year (phrom score 2564)" in problem.message
    assert 'e.g. "fw-2564"' in problem.message


def test_it_refuses_a_framework_code_that_starts_with_a_sign() -> None:
    problem = only_problem(document(header=HEADER.replace("code: test-2564", "code: -th-2564")))

    assert problem.path == "code"
    assert "must start with a letter or a digit" in problem.message
    assert 'e.g. "th-2564"' in problem.message


@pytest.mark.parametrize("code", ["agency", "name", "group", "total"])
def test_it_refuses_a_question_code_that_is_a_column_of_answers_files(code: str) -> None:
    text = document(f"- code: {code}\n  type: yes_no\n  text: Q\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, f"code: {code}"), f"{Q}[0].code")
    assert f'question code "{code}" is the name of a column' in problem.message
    assert f'e.g. "{code}-1"' in problem.message


def test_an_option_code_may_still_be_agency() -> None:
    text = document(
        "- code: Q1\n  type: single_choice\n  text: Q\n  options:\n"
        "    - {code: agency, label: A, points: 1}\n    - {code: none, label: N, points: 0}\n"
    )

    assert load_framework_text(text, SOURCE).questions[0].options[0].code == "agency"


@pytest.mark.parametrize(
    ("what", "first", "second", "path"),
    [
        ("dimension", "  - code: policy", "  - code: policy", "dimensions[1].code"),
        (
            "indicator",
            "      - code: POL-01",
            "      - code: POL-01",
            "dimensions[1].indicators[0].code",
        ),
        (
            "question",
            "          - code: Q1",
            "          - code: Q1",
            "dimensions[1].indicators[0].questions[0].code",
        ),
    ],
)
def test_it_reports_a_duplicated_code_with_both_lines(
    what: str, first: str, second: str, path: str
) -> None:
    codes = {
        "dimension": ("policy", "POL-02", "Q2"),
        "indicator": ("other", "POL-01", "Q2"),
        "question": ("other", "POL-02", "Q1"),
    }[what]
    dimension, indicator, question = codes
    text = document() + (
        f"  - code: {dimension}\n"
        "    name: Other\n"
        "    indicators:\n"
        f"      - code: {indicator}\n"
        "        name: Other\n"
        "        questions:\n"
        f"          - code: {question}\n"
        "            type: yes_no\n"
        "            text: Q\n"
    )

    problem = only_problem(text)

    assert problem.line == line_of(text, second, 2)
    assert problem.path == path
    first_line = line_of(text, first)
    assert problem.message.startswith(f'{what} code "')
    assert f"is already used at line {first_line}" in problem.message


def test_it_reports_a_duplicated_option_code() -> None:
    text = document(
        """\
        - code: Q1
          type: single_choice
          text: Q1
          options:
            - {code: a, label: A, points: 1}
            - {code: a, label: B, points: 0}
        """
    )
    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "label: B"), f"{Q}[0].options[1].code")
    assert problem.message.startswith('option code "a" is already used at line')


def test_it_reports_duplicated_band_group_and_award_codes() -> None:
    text = document(
        tail="""\
        bands:
          - {code: low, name: Low, minimum: 0}
          - {code: low, name: Lower, minimum: 10}
        peer_groups:
          - {code: g, name: G}
          - {code: g, name: G2}
        awards:
          - {code: a, kind: top_total, top: 1}
          - {code: a, kind: top_total, top: 2}
        """
    )
    problems = problems_of(text)

    assert [(p.line, p.path, p.message.split(" is ")[0]) for p in problems] == [
        (line_of(text, "name: Lower"), "bands[1].code", 'band code "low"'),
        (line_of(text, "name: G2"), "peer_groups[1].code", 'peer group code "g"'),
        (line_of(text, "top: 2"), "awards[1].code", 'award code "a"'),
    ]


def test_it_reports_an_indicator_code_listed_in_another_indicators_replaces() -> None:
    text = document().replace(
        "        name: {th: แผน, en: Plan}\n",
        "        name: {th: แผน, en: Plan}\n        replaces: [POL-00, SRV-01]\n",
    ) + (
        "  - code: services\n"
        "    name: Services\n"
        "    indicators:\n"
        "      - {code: SRV-01, name: S, questions: [{code: S1, type: yes_no, text: S}]}\n"
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (
        line_of(text, "replaces:"),
        "dimensions[0].indicators[0].replaces[1]",
    )
    assert problem.message.startswith('"SRV-01" is the code of another indicator')


def test_it_reports_an_indicator_that_replaces_itself() -> None:
    text = document().replace(
        "        name: {th: แผน, en: Plan}\n",
        "        name: {th: แผน, en: Plan}\n        replaces: [POL-01]\n",
    )

    problem = only_problem(text)

    assert problem.path == "dimensions[0].indicators[0].replaces[0]"
    assert problem.message.startswith('indicator "POL-01" cannot replace itself')


# --- structure ---------------------------------------------------------------------------


def test_it_reports_a_dimension_without_indicators() -> None:
    text = HEADER + "dimensions:\n  - code: policy\n    name: Policy\n    indicators: []\n"

    problem = only_problem(text)

    assert (problem.line, problem.path) == (8, "dimensions[0].indicators")
    assert problem.message == "indicators is empty; add at least one indicator"


def test_it_reports_an_indicator_without_questions() -> None:
    text = document("").replace("        questions:\n", "        questions:\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (
        line_of(text, "questions:"),
        "dimensions[0].indicators[0].questions",
    )
    assert problem.message == "questions is empty; add at least one question"


def test_it_reports_a_framework_without_dimensions() -> None:
    problem = only_problem(HEADER + "dimensions: []\n")

    assert (problem.line, problem.path) == (5, "dimensions")


def test_it_reports_a_framework_with_no_scored_question() -> None:
    text = document(
        "- {code: T1, type: text, text: T}\n- {code: Y1, type: yes_no, text: Y, weight: 0}\n"
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "dimensions:"), "dimensions")
    assert problem.message.startswith("the framework has no scored question")


def test_it_reports_a_list_item_that_is_not_a_mapping() -> None:
    text = document(YES_NO + "- Q2\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "- Q2"), f"{Q}[1]")
    assert problem.message == "each question must be a mapping of keys, got 'Q2'"


# --- top-level values --------------------------------------------------------------------


def test_it_reports_a_format_other_than_version_1() -> None:
    problem = only_problem(document().replace("phrom-framework/1", "phrom-framework/2"))

    assert (problem.line, problem.path) == (1, "format")
    assert problem.message.startswith(
        "format must be \"phrom-framework/1\", got 'phrom-framework/2'"
    )


def test_it_reports_a_missing_format() -> None:
    problem = only_problem(document().replace("format: phrom-framework/1\n", ""))

    assert (
        problem.message
        == 'the framework has no format; add "format: phrom-framework/1" as the first line'
    )


def test_it_reports_buddhist_and_common_era_years_that_do_not_match() -> None:
    problem = only_problem(document(header=HEADER.replace("2564", "2565")))

    assert (problem.line, problem.path) == (4, "cycle.year_be")
    assert problem.message == (
        "year_be 2565 does not match year_ce 2021: year_be must be year_ce + 543 = 2564; "
        "correct whichever year is wrong"
    )


@pytest.mark.parametrize(
    ("line", "path", "message"),
    [
        ("scale: 10", "scale", "scale must be 1 or 100, got 10"),
        ("precision: 7", "precision", "precision must be a whole number from 0 to 6, got 7"),
        ("precision: 1.5", "precision", "precision must be a whole number from 0 to 6, got 1.5"),
        (
            "normalisation: zscore",
            "normalisation",
            "normalisation must be one of none, minmax, zscore_minmax, got 'zscore'",
        ),
        ("weights_total: -5", "weights_total", "weights_total must be a positive number, got -5"),
        ("previous: test-2564", "previous", 'previous names this framework itself ("test-2564")'),
        ("meta: {source: [a, b]}", "meta.source", "meta values must be texts, got a list"),
    ],
)
def test_it_reports_a_wrong_top_level_value(line: str, path: str, message: str) -> None:
    problem = only_problem(document(header=HEADER + line + "\n"))

    assert (problem.line, problem.path) == (5, path)
    assert problem.message.startswith(message)


def test_it_accepts_a_scale_of_one() -> None:
    assert load_framework_text(document(header=HEADER + "scale: 1\n")).scale == 1.0


def test_it_reports_dimension_weights_that_do_not_add_up_to_weights_total() -> None:
    text = document(header=HEADER + "weights_total: 100\n").replace(
        "  - code: policy\n", "  - code: policy\n    weight: 95\n"
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (5, "weights_total")
    assert problem.message == (
        "dimension weights add up to 95, not weights_total 100; "
        "adjust the dimension weights or weights_total"
    )


def test_it_counts_a_dimension_without_weight_as_one_towards_weights_total() -> None:
    problem = only_problem(document(header=HEADER + "weights_total: 2\n"))

    assert problem.message.startswith("dimension weights add up to 1, not weights_total 2")


# --- bilingual texts ---------------------------------------------------------------------


def test_it_reports_a_text_without_its_english() -> None:
    text = document("- {code: Q1, type: yes_no, text: {th: มีไหม}}\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "มีไหม"), f"{Q}[0].text")
    assert problem.message == 'text has no en; add "en: <English text>"'


def test_it_reports_an_empty_thai_text() -> None:
    text = document('- {code: Q1, type: yes_no, text: {th: "  ", en: Is there}}\n')

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].text.th"
    assert problem.message == "the Thai text of text is empty; write it"


def test_it_reports_an_unknown_language() -> None:
    text = document("- {code: Q1, type: yes_no, text: {th: ก, en: a, eng: a}}\n")

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].text.eng"
    assert problem.message == 'unknown key "eng"; did you mean "en"?'


# --- question types ----------------------------------------------------------------------


def test_it_reports_a_choice_question_without_options() -> None:
    text = document("- {code: Q1, type: single_choice, text: Q}\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "code: Q1"), f"{Q}[0]")
    assert problem.message.startswith('single_choice question has no options; add "options:"')


def test_it_reports_a_choice_question_with_one_option() -> None:
    text = document(
        """\
        - code: Q1
          type: multiple_choice
          text: Q
          options:
            - {code: a, label: A, points: 1}
        """
    )
    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "options:"), f"{Q}[0].options")
    assert problem.message == "options has only one option; add at least 2"


def test_it_reports_options_none_of_which_earns_points() -> None:
    text = document(
        """\
        - code: Q1
          type: single_choice
          text: Q
          options:
            - {code: a, label: A, points: 0}
            - {code: b, label: B, points: -1}
        """
    )
    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "options:"), f"{Q}[0].options")
    assert problem.message.startswith("no option earns points")


def test_it_reports_options_on_a_question_type_that_has_none() -> None:
    text = document(YES_NO + "  options: []\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "options: []"), f"{Q}[0].options")
    assert problem.message == (
        '"options" is not used by yes_no questions (only by single_choice and multiple_choice); '
        "remove it or change the type"
    )


def test_it_reports_a_cap_that_is_not_positive() -> None:
    text = document(
        """\
        - code: Q1
          type: multiple_choice
          text: Q
          cap: 0
          options:
            - {code: a, label: A, points: 1}
            - {code: b, label: B, points: 1}
        """
    )
    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "cap: 0"), f"{Q}[0].cap")
    assert problem.message == "cap must be a positive number, got 0"


def test_it_reports_maturity_levels_that_are_missing() -> None:
    text = document(
        """\
        - code: Q1
          type: maturity
          text: Q
          levels:
            0: none
            1: {th: หนึ่ง, en: one}
            2: two
            5: five
        """
    )
    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "levels:"), f"{Q}[0].levels")
    assert problem.message.startswith("maturity question has no description for levels 3, 4;")


def test_it_reports_a_maturity_level_outside_0_to_5() -> None:
    text = document(
        "- code: Q1\n  type: maturity\n  text: Q\n  levels: {0: a, 1: b, 2: c, 3: d, 4: e, 5: f, 6: g}\n"
    )

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].levels[6]"
    assert problem.message.startswith('"6" is not a maturity level')


def test_it_reports_a_maturity_level_without_english() -> None:
    text = document(
        "- code: Q1\n  type: maturity\n  text: Q\n"
        "  levels:\n    0: a\n    1: b\n    2: c\n    3: {th: ง}\n    4: e\n    5: f\n"
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "3: {th"), f"{Q}[0].levels[3]")
    assert problem.message == 'level 3 has no en; add "en: <English text>"'


def test_it_reports_a_maturity_level_list_of_the_wrong_length() -> None:
    text = document("- {code: Q1, type: maturity, text: Q, levels: [a, b, c, d, e]}\n")

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].levels"
    assert problem.message.startswith(
        "levels lists 5 descriptions; a maturity question needs exactly 6"
    )


def test_it_reports_a_maturity_question_without_levels() -> None:
    problem = only_problem(document("- {code: Q1, type: maturity, text: Q}\n"))

    assert problem.path == f"{Q}[0]"
    assert problem.message.startswith('maturity question has no levels; add "levels:"')


def test_it_reports_a_number_question_without_bounds_or_thresholds() -> None:
    text = document("- {code: Q1, type: number, text: Q, minimum: 0}\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "code: Q1"), f"{Q}[0]")
    assert problem.message.startswith("number question has no maximum;")
    assert 'add "maximum: <number>"' in problem.message


def test_it_accepts_a_number_question_with_thresholds_and_no_bounds() -> None:
    text = document(
        "- {code: Q1, type: number, text: Q, thresholds: [{at_least: 1, points: 1}, {at_least: 5, points: 3}]}\n"
    )

    question = load_framework_text(text, SOURCE).questions[0]
    assert question.thresholds == (Threshold(1.0, 1.0), Threshold(5.0, 3.0))
    assert question.minimum is None and question.maximum is None


def test_it_reports_a_minimum_not_below_the_maximum() -> None:
    text = document("- code: Q1\n  type: number\n  text: Q\n  minimum: 5\n  maximum: 5\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "maximum: 5"), f"{Q}[0].maximum")
    assert problem.message == "maximum (5) must be greater than minimum (5); fix one of them"


def test_it_reports_thresholds_out_of_order_and_repeated() -> None:
    text = document(
        """\
        - code: Q1
          type: number
          text: Q
          thresholds:
            - {at_least: 10, points: 1}
            - {at_least: 5, points: 2}
            - {at_least: 10, points: 3}
        """
    )
    problems = problems_of(text)

    assert [(p.line, p.path) for p in problems] == [
        (line_of(text, "at_least: 5"), f"{Q}[0].thresholds[1].at_least"),
        (line_of(text, "points: 3"), f"{Q}[0].thresholds[2].at_least"),
    ]
    assert problems[0].message.startswith("thresholds must go from lowest to highest at_least")
    assert problems[1].message.startswith("at_least 10 is repeated")


def test_it_reports_a_percentage_threshold_outside_0_to_100() -> None:
    text = document(
        "- {code: Q1, type: percentage, text: Q, thresholds: [{at_least: 101, points: 1}]}\n"
    )

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].thresholds[0].at_least"
    assert problem.message == "at_least must be a percentage from 0 to 100, got 101"


def test_it_reports_a_threshold_above_the_maximum() -> None:
    text = document(
        "- {code: Q1, type: number, text: Q, minimum: 0, maximum: 10, thresholds: [{at_least: 20, points: 1}]}\n"
    )

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].thresholds[0].at_least"
    assert "can never be reached" in problem.message


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("1e309", "1e309"),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".nan", ".nan"),
        ("1e16", "1e16"),
        ("100000000000000000000", "100000000000000000000"),
        ("1" + "0" * 400, "1" + "0" * 400),
    ],
)
def test_it_refuses_points_that_are_not_finite_or_would_overflow_totals(
    value: str, written: str
) -> None:
    text = document(
        "- {code: Q1, type: single_choice, text: Q, options: "
        f"[{{code: a, label: A, points: 0}}, {{code: b, label: B, points: {value}}}]}}\n"
    )

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].options[1].points"
    assert problem.message == (
        f"points must be a number, got {written}; numbers in a framework must be finite and "
        "between -1e15 and 1e15, so that no total can overflow"
    )


def test_it_refuses_weights_too_large_for_a_total() -> None:
    text = document().replace("  - code: policy\n", "  - code: policy\n    weight: 1e300\n")

    problem = only_problem(text)

    assert problem.path == "dimensions[0].weight"
    assert problem.message.startswith("weight must be a positive number, got 1e300; numbers in")


def test_it_accepts_numbers_up_to_the_limit() -> None:
    text = document(
        "- {code: Q1, type: number, text: Q, minimum: -1e15, maximum: 1000000000000000}\n"
    )

    question = load_framework_text(text, SOURCE).questions[0]

    assert (question.minimum, question.maximum) == (-1e15, 1e15)


def test_it_reads_whole_counts_on_number_questions() -> None:
    text = document(
        "- {code: Q1, type: number, text: Q, minimum: 0, maximum: 50, whole: true}\n"
        "- {code: Q2, type: number, text: Q, minimum: 0, maximum: 1}\n"
    )

    counted, measured = load_framework_text(text, SOURCE).questions

    assert counted.whole and not measured.whole


def test_it_reports_whole_counts_on_a_question_that_is_not_a_number() -> None:
    problem = only_problem(document("- {code: Q1, type: percentage, text: Q, whole: true}\n"))

    assert problem.path == f"{Q}[0].whole"
    assert problem.message == (
        '"whole" is not used by percentage questions (only by number); remove it or change '
        "the type"
    )


def test_it_reports_whole_that_is_not_true_or_false() -> None:
    text = document("- {code: Q1, type: number, text: Q, minimum: 0, maximum: 9, whole: 1}\n")

    assert only_problem(text).message == "whole must be true or false, got 1"


def test_it_reports_a_threshold_without_points() -> None:
    text = document("- {code: Q1, type: percentage, text: Q, thresholds: [{at_least: 50}]}\n")

    problem = only_problem(text)

    assert problem.path == f"{Q}[0].thresholds[0]"
    assert problem.message == 'threshold has no points; add "points: <number>"'


# --- conditions --------------------------------------------------------------------------

CHOICES = """\
- code: G
  type: yes_no
  text: G
- code: S
  type: single_choice
  text: S
  options:
    - {code: a, label: A, points: 1}
    - {code: b, label: B, points: 0}
- code: L
  type: maturity
  text: L
  levels: [l0, l1, l2, l3, l4, l5]
- {code: T, type: text, text: T}
"""


def conditional(when: str) -> str:
    return document(CHOICES + f"- {{code: C, type: yes_no, text: C, when: {when}}}\n")


@pytest.mark.parametrize(
    ("when", "path", "message"),
    [
        ("{question: X, equals: true}", "when.question", 'no question has code "X"'),
        (
            "{question: g, equals: true}",
            "when.question",
            'no question has code "g"; did you mean "G"?',
        ),
        ("{question: C, equals: true}", "when.question", "a question cannot depend on itself"),
        (
            "{question: G, equals: 1}",
            "when.equals",
            'question "G" is yes_no, so equals must be true or false, got 1',
        ),
        (
            "{question: G, at_least: 1}",
            "when.at_least",
            'at_least does not apply to yes_no question "G"; use "equals: true" or "equals: false"',
        ),
        ("{question: S, equals: c}", "when.equals", 'question "S" has no option "c"'),
        ("{question: S, any_of: [a, z]}", "when.any_of[1]", 'question "S" has no option "z"'),
        (
            "{question: S, any_of: []}",
            "when.any_of",
            "any_of is empty; list at least one option code",
        ),
        (
            "{question: S, at_least: 1}",
            "when.at_least",
            'at_least does not apply to single_choice question "S"',
        ),
        (
            "{question: L, equals: 3}",
            "when.equals",
            'equals does not apply to maturity question "L"; use "at_least: <level 0-5>"',
        ),
        (
            "{question: L, at_least: 6}",
            "when.at_least",
            "at_least must be a level from 0 to 5, got 6",
        ),
        (
            "{question: T, equals: x}",
            "when.question",
            'question "T" is a text question, which cannot be a condition',
        ),
        (
            "{question: G}",
            "when",
            'condition has no test; add "equals: ...", "any_of: [...]" or "at_least: <number>"',
        ),
        (
            "{question: G, equals: true, at_least: 1}",
            "when.at_least",
            "condition has both equals and at_least; keep only one",
        ),
        ("{question: G, equal: true}", "when.equal", 'unknown key "equal"; did you mean "equals"?'),
        ("G", "when", "when must be a mapping like {question: POL-01-0, equals: true}, got 'G'"),
    ],
)
def test_it_reports_a_wrong_condition(when: str, path: str, message: str) -> None:
    text = conditional(when)

    problems = problems_of(text)

    # The unknown key "equal" leaves the condition without a test: two problems.
    assert problems[0].line == line_of(text, "code: C,")
    assert problems[0].path == f"{Q}[4].{path}"
    assert problems[0].message.startswith(message)


def test_it_reports_a_condition_on_a_later_question_with_its_line() -> None:
    text = document(
        "- {code: A, type: yes_no, text: A, when: {question: B, equals: true}}\n"
        "- {code: B, type: yes_no, text: B}\n"
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "code: A"), f"{Q}[0].when.question")
    assert problem.message == (
        f'question "B" comes later (line {line_of(text, "code: B")}); a condition may only refer '
        'to an earlier question, so move "B" above this one'
    )


def test_it_accepts_a_condition_on_a_question_in_an_earlier_dimension() -> None:
    text = document() + (
        "  - code: services\n"
        "    name: Services\n"
        "    indicators:\n"
        "      - code: SRV-01\n"
        "        name: S\n"
        "        questions:\n"
        "          - {code: S1, type: yes_no, text: S, when: {question: Q1, equals: true}}\n"
    )

    question = load_framework_text(text, SOURCE).question("S1")
    assert question is not None and question.condition == Condition("Q1", equals=True)


# --- bands, peer groups, awards ----------------------------------------------------------


def test_it_reports_bands_without_a_zero_minimum() -> None:
    text = document(tail="bands:\n  - {code: high, name: High, minimum: 50}\n")

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "bands:"), "bands")
    assert problem.message.startswith("no band has minimum 0")


def test_it_reports_a_band_minimum_above_the_scale() -> None:
    text = document(
        header=HEADER + "scale: 1\n",
        tail="bands:\n  - {code: low, name: Low, minimum: 0}\n  - {code: high, name: High, minimum: 80}\n",
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "code: high"), "bands[1].minimum")
    assert problem.message == "minimum must be a number from 0 to 1 (the output scale), got 80"


def test_it_reports_two_bands_with_the_same_minimum() -> None:
    text = document(
        tail="bands:\n  - {code: low, name: Low, minimum: 0}\n  - {code: also, name: Also, minimum: 0.0}\n"
    )

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "code: also"), "bands[1].minimum")
    assert problem.message.startswith(
        f"another band (line {line_of(text, 'code: low')}) already has minimum 0"
    )


AWARD = "awards:\n  - {code: a, name: A, kind: top_total, top: 3, %s}\n"
GROUPS = "peer_groups:\n  - {code: service, name: Service}\n"


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        (
            "per_group: true",
            "per_group",
            "per_group needs peer groups, but the framework declares none",
        ),
        (
            "groups: [service]",
            "groups[0]",
            'no peer group has code "service"; declare it under peer_groups',
        ),
        ("floor: 101", "floor", "floor must be a number from 0 to 100 (the output scale), got 101"),
        ("floor: -1", "floor", "floor must be a number from 0 to 100 (the output scale), got -1"),
        (
            "dimensions: [policy]",
            "dimensions",
            '"dimensions" is only used by best_dimension awards, not top_total',
        ),
        ("tie_break: [totl]", "tie_break[0]", 'unknown tie-break "totl"; did you mean "total"?'),
        ("tie_break: [total, total]", "tie_break[1]", '"total" is listed twice'),
        (
            "tie_break: ['dimension:nope']",
            "tie_break[0]",
            'no dimension has code "nope"; use one of: policy',
        ),
        (
            "tie_break: total",
            "tie_break",
            "tie_break must be a list like [total, gain], got 'total'",
        ),
        ("ties: all", "ties", "ties must be one of share, code, got 'all'"),
        ("near_misses: -1", "near_misses", "near_misses must be a whole number, 0 or more, got -1"),
        ("kind2: x", "kind2", 'unknown key "kind2"; did you mean "kind"?'),
    ],
)
def test_it_reports_a_wrong_award_setting(extra: str, path: str, message: str) -> None:
    text = document(tail=AWARD % extra)

    problem = only_problem(text)

    assert (problem.line, problem.path) == (line_of(text, "code: a,"), f"awards[0].{path}")
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("award", "path", "message"),
    [
        (
            "{code: a, kind: best, top: 1}",
            "kind",
            "kind must be one of top_total, top_gain, best_dimension, got 'best'",
        ),
        (
            "{code: a, kind: top_total, top: 0}",
            "top",
            "top must be a whole number, 1 or more, got 0",
        ),
        (
            "{code: a, kind: top_total, top: 1.5}",
            "top",
            "top must be a whole number, 1 or more, got 1.5",
        ),
        (
            "{code: a, kind: best_dimension, top: 1, dimensions: [polcy]}",
            "dimensions[0]",
            'no dimension has code "polcy"; did you mean "policy"?',
        ),
        (
            "{code: a, kind: top_total, top: 1, groups: [servce]}",
            "groups[0]",
            'no peer group has code "servce"; did you mean "service"?',
        ),
        ("{code: a, kind: top_total}", "", 'award has no top; add "top: <number of winners>"'),
    ],
)
def test_it_reports_a_wrong_award(award: str, path: str, message: str) -> None:
    text = document(tail=GROUPS + f"awards:\n  - {award}\n")

    problem = only_problem(text)

    assert problem.line == line_of(text, "code: a,")
    assert problem.path == ("awards[0]." + path if path else "awards[0]")
    assert problem.message.startswith(message)


def test_it_accepts_every_award_setting_that_is_right() -> None:
    text = document(
        tail=GROUPS
        + "awards:\n"
        + "  - code: a\n"
        + "    name: A\n"
        + "    description: {th: รางวัล, en: An award}\n"
        + "    kind: top_gain\n"
        + "    top: 2\n"
        + "    per_group: true\n"
        + "    groups: [service]\n"
        + "    floor: 60.5\n"
        + "    tie_break: [gain, total, previous_total, 'dimension:policy']\n"
        + "    ties: code\n"
        + "    near_misses: 0\n"
    )

    award = load_framework_text(text, SOURCE).awards[0]

    assert award.per_group and award.groups == ("service",) and award.floor == 60.5
    assert award.tie_break == ("gain", "total", "previous_total", "dimension:policy")
    assert (award.ties, award.near_misses) == ("code", 0)
    assert award.description == Bilingual("รางวัล", "An award")


# --- any input: a framework or a clear refusal -------------------------------------------

_YAML_PIECES = st.sampled_from(
    [":", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "<<: *a", "? ", "---\n", "|\n",
     "!!int ", "!!float ", "!!timestamp ", "!!binary ", "!!set ", "!!python/name:os.system ",
     "#", "'", '"', "\t", "\n", "\n  ", ".inf", ".nan", "1e309", "~", "=", "\x00", "ก", "code",
     "type: number", "whole: true", "weight: -1", "points: 1e16", "when: {question: Q1}"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.lists(_YAML_PIECES, max_size=40).map("".join)))
def test_any_text_is_a_framework_or_a_refusal_naming_the_source(text: str) -> None:
    try:
        load_framework_text(text, SOURCE)
    except FrameworkError as error:
        assert error.problems and all(p.source == SOURCE and p.message for p in error.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_edit_of_a_framework_loads_or_is_refused(data: st.DataObject) -> None:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 5))
        text = text[:at] + data.draw(_YAML_PIECES) + text[at + cut :]
    try:
        load_framework_text(text, SOURCE)
    except FrameworkError as error:
        assert error.problems and all(p.source == SOURCE and p.message for p in error.problems)


def test_the_loader_and_its_checks_import_only_the_model_and_one_another() -> None:
    scoring = Path(__file__).resolve().parents[2] / "scoring"
    for path in [scoring / "loader.py", *sorted((scoring / "checks").glob("*.py"))]:
        imported = {
            node.module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scoring")
        }
        outside = {m for m in imported if not m.startswith("scoring.checks.")}

        assert outside <= {"scoring.model", "scoring.errors"}, path.name
