"""A YAML document as a tree of mappings, lists and scalars that remembers lines.

The tree is built from the parser's events in one pass without recursion, so that a shape no
framework has is refused before anything walks it: nesting deeper than ``MAX_DEPTH``, aliases
that repeat more than ``MAX_ALIASED_VALUES`` values (the "billion laughs"), an alias inside
the value it names. Duplicate keys and scalars that cannot be read are reported as problems.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import yaml

# A framework nests about ten levels (framework, dimensions, indicators, questions,
# options and their labels); a deeper document is a mistake or an attack.
MAX_DEPTH: Final = 32
# Values that aliases may repeat: shared option lists repeat a few thousand.
MAX_ALIASED_VALUES: Final = 100_000

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_STR_TAG: Final = "tag:yaml.org,2002:str"
# YAML 1.1 gives a lone "=" this tag, which SafeLoader cannot construct; it is text.
_VALUE_TAG: Final = "tag:yaml.org,2002:value"


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar with the value SafeLoader gives it and the text as written."""

    line: int
    value: object
    raw: str
    plain: bool


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of a mapping: the line of the key and the value."""

    key_line: int
    value: Node


@dataclass(slots=True)
class Map:
    line: int
    entries: dict[str, Entry] = field(default_factory=dict)


@dataclass(slots=True)
class Seq:
    line: int
    items: list[Node] = field(default_factory=list)


Node: TypeAlias = "Scalar | Map | Seq"
# A problem found while building: line, path, message.
Found: TypeAlias = tuple[int, str, str]


class Refused(Exception):
    """The document's shape is refused as a whole; nothing in it is checked."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return 0 if mark is None else int(mark.line) + 1


@dataclass(slots=True)
class _Open:
    """A mapping or list whose end has not been read yet."""

    node: Map | Seq
    path: str
    anchor: str | None
    size: int = 1  # values inside it, aliases expanded
    has_key: bool = False  # a mapping's key was read; its value comes next
    key: str | None = None  # None: the key is unusable, its value is skipped
    key_line: int = 0
    merging: bool = False  # the key is "<<"
    merged: list[Node] = field(default_factory=list)

    def child_path(self) -> str:
        if isinstance(self.node, Seq):
            return f"{self.path}[{len(self.node.items)}]"
        if self.has_key and self.key is not None and not self.merging:
            return join(self.path, self.key)
        return self.path


class _Builder:
    """Builds the tree of one document from parser events, collecting problems."""

    def __init__(self) -> None:
        self.found: list[Found] = []
        self._resolver = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()
        self._anchors: dict[str, tuple[Node, int]] = {}  # the value and its size
        self._stack: list[_Open] = []
        self._aliased = 0
        self._root: Node | None = None

    def build(self, events: Iterator[yaml.Event]) -> Node | None:
        seen_document = False
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                if seen_document:
                    raise Refused(
                        _line(event),
                        "YAML syntax error: expected a single document in the stream, but found "
                        "another document; a framework file holds one document, so remove the "
                        'extra "---"',
                    )
                seen_document = True
            elif isinstance(event, yaml.ScalarEvent):
                self._scalar(event)
            elif isinstance(event, yaml.AliasEvent):
                self._alias(event)
            elif isinstance(event, yaml.CollectionStartEvent):
                self._start(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                self._end()
        return self._root

    def _register(self, anchor: str | None, node: Node, size: int) -> None:
        """Remember a finished value with an anchor (``&name``) for its aliases."""
        if anchor is None:
            return
        first = self._anchors.get(anchor)
        if first is not None:
            raise Refused(
                node.line,
                f'the anchor "&{anchor}" is defined twice (first at line {first[0].line}); '
                "give each anchor its own name",
            )
        self._anchors[anchor] = (node, size)

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        line = _line(event)
        if len(self._stack) >= MAX_DEPTH:
            raise Refused(
                line,
                f"the document nests lists and mappings more than {MAX_DEPTH} levels deep here; "
                "a framework needs about 10, so check the brackets and the indentation",
            )
        path = self._stack[-1].child_path() if self._stack else ""
        node: Map | Seq = Map(line) if isinstance(event, yaml.MappingStartEvent) else Seq(line)
        self._stack.append(_Open(node, path, event.anchor))

    def _end(self) -> None:
        done = self._stack.pop()
        if isinstance(done.node, Map):
            self._merge(done)
        self._register(done.anchor, done.node, done.size)
        self._add(done.node, done.size)

    def _merge(self, done: _Open) -> None:
        """Merge keys ("<<: *base") fill in only what the mapping does not set itself; the
        first merged mapping wins over later ones."""
        assert isinstance(done.node, Map)
        for value in done.merged:
            for source in value.items if isinstance(value, Seq) else [value]:
                if not isinstance(source, Map):
                    self.found.append((source.line, done.path, '"<<" must refer to a mapping'))
                    continue
                for key, entry in source.entries.items():
                    done.node.entries.setdefault(key, entry)

    def _alias(self, event: yaml.AliasEvent) -> None:
        line = _line(event)
        name = str(event.anchor)
        known = self._anchors.get(name)
        if known is None:
            if any(open_.anchor == name for open_ in self._stack):
                raise Refused(
                    line,
                    f'the alias "*{name}" is inside the value of "&{name}" itself, so it would '
                    "repeat forever; refer to another anchor or write the value out",
                )
            raise Refused(
                line,
                f'the alias "*{name}" refers to no anchor; define "&{name}" before it or '
                "correct the name",
            )
        node, size = known
        self._aliased += size
        if self._aliased > MAX_ALIASED_VALUES:
            raise Refused(
                line,
                f"the aliases of this file repeat more than {MAX_ALIASED_VALUES:,} values "
                f'(here "*{name}"); a framework needs far fewer, so write the values out or '
                "use fewer aliases",
            )
        self._add(node, size)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        line = _line(event)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit
            )
        top = self._stack[-1] if self._stack else None
        if top is not None and isinstance(top.node, Map) and not top.has_key:
            # A key: its text is its name, whatever it would read as.
            top.has_key, top.key, top.key_line = True, str(event.value), line
            top.merging = tag == _MERGE_TAG
            top.size += 1
            self._register(event.anchor, Scalar(line, event.value, event.value, True), 1)
            return
        scalar = Scalar(line, self._value(event, tag), str(event.value), not event.style)
        self._register(event.anchor, scalar, 1)
        self._add(scalar, 1)

    def _value(self, event: yaml.ScalarEvent, tag: str) -> object:
        if tag in (_STR_TAG, _VALUE_TAG):
            return str(event.value)
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return self._constructor.construct_object(node, deep=True)
        except Exception:
            # What SafeConstructor raises on text its tag cannot read varies: ValueError,
            # AttributeError ("!!timestamp x"), IndexError ("!!float ''"), ...
            path = self._stack[-1].child_path() if self._stack else ""
            message = f"cannot read {event.value!r} as {tag}; remove the tag or fix the value"
            self.found.append((_line(event), path, message))
            return str(event.value)

    def _add(self, node: Node, size: int) -> None:
        """Put a finished value where it belongs: in the open list or mapping, or at the root."""
        if not self._stack:
            self._root = node
            return
        top = self._stack[-1]
        top.size += size
        if isinstance(top.node, Seq):
            top.node.items.append(node)
            return
        if not top.has_key:
            # A key that is a list, a mapping, or an alias.
            top.has_key, top.key_line, top.merging = True, node.line, False
            top.key = node.raw if isinstance(node, Scalar) else None
            if top.key is None:
                self.found.append(
                    (node.line, top.path, "a key must be a plain name, not a list or mapping")
                )
            return
        top.has_key = False
        if top.key is None:
            return
        if top.merging:
            top.merged.append(node)
            return
        entries = top.node.entries
        first = entries.get(top.key)
        if first is not None:
            message = (
                f'duplicate key "{top.key}" (first at line {first.key_line}); YAML keeps only '
                "the last one, so remove or rename one of them"
            )
            self.found.append((top.key_line, join(top.path, top.key), message))
        entries[top.key] = Entry(top.key_line, node)


# libyaml's parser is several times faster than the pure-Python one and gives the same
# events and marks; PyYAML's wheels ship it, a source build may not.
_PARSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _build(text: str, parser: type[yaml.SafeLoader]) -> tuple[Node | None, list[Found]]:
    builder = _Builder()
    return builder.build(yaml.parse(text, Loader=parser)), builder.found


def read_tree(text: str) -> tuple[Node | None, list[Found]]:
    """The tree of the one YAML document in ``text`` (None when there is none), and the
    problems found while building it.

    Raises ``yaml.YAMLError`` for a syntax error and ``Refused`` for a shape no framework has.
    """
    try:
        return _build(text, _PARSER)
    except yaml.YAMLError:
        if _PARSER is yaml.SafeLoader:
            raise
    # The pure-Python parser words syntax errors better: let it raise.
    return _build(text, yaml.SafeLoader)


def yaml_problem(error: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    if isinstance(error, yaml.reader.ReaderError):
        return text.count("\n", 0, error.position) + 1, (
            f"the file holds the control character U+{error.character:04X}, which YAML does "
            "not allow; remove it (a framework file is plain UTF-8 text)"
        )
    if not isinstance(error, yaml.MarkedYAMLError):
        return None, f"the file is not valid YAML: {error}"
    mark = error.problem_mark or error.context_mark
    line = int(mark.line) + 1 if mark is not None else None
    problem = error.problem or ""
    context = error.context or ""
    message = f"YAML syntax error: {problem or context or 'invalid YAML'}"
    if problem and context and error.context_mark is not None:
        message += f" ({context} at line {int(error.context_mark.line) + 1})"
    if "\\t" in problem:
        message += "; indent with spaces, not tabs"
    else:
        message += "; check the indentation, colons and quotes on this line and the one before"
    return line, message
