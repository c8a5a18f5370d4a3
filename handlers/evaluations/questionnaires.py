"""Questionnaire files (YAML): read, check every line, and return the questions or the problems.

A file is a mapping with an optional `title` and a list of `questions`; each question has an
`id`, a `type` (choice, scale or text), its `text`, and for choice questions 2-4 `options`
and the `correct` one (a letter A-D or the option's text). Every problem is reported as
`line N: reason`; one bad line refuses the whole file, since half a questionnaire is worse
than none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Kind = Literal["pretest", "posttest", "evaluasi"]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
QuestionType = Literal["choice", "scale", "text"]
QUESTION_TYPES: Final[tuple[QuestionType, ...]] = get_args(QuestionType)
TESTS: Final = frozenset({"pretest", "posttest"})

MAX_QUESTIONS: Final = 100
MAX_FILE_BYTES: Final = 2_000_000
MAX_PROMPT: Final = 500
MAX_OPTION: Final = 200
MAX_TITLE: Final = 200
MIN_OPTIONS: Final = 2
MAX_OPTIONS: Final = 4
LETTERS: Final = "ABCD"
MAX_PROBLEMS: Final = 50
_REF: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")
_TOP_KEYS: Final = frozenset({"title", "questions"})
_QUESTION_KEYS: Final = frozenset({"id", "type", "text", "options", "correct", "required"})
_BOOL_TAG: Final = "tag:yaml.org,2002:bool"
DEFAULT_TITLES: Final[dict[Kind, str]] = {
    "pretest": "Pre-test",
    "posttest": "Post-test",
    "evaluasi": "Evaluasi",
}


@dataclass(frozen=True)
class QuestionSpec:
    """One question as the file gives it, checked."""

    ref: str
    type: QuestionType
    prompt: str
    options: tuple[str, ...] = ()
    correct: int | None = None
    required: bool = True


@dataclass(frozen=True)
class QuestionnaireSpec:
    """A whole questionnaire file, checked."""

    kind: Kind
    title: str
    questions: tuple[QuestionSpec, ...]


class QuestionnaireError(Exception):
    """The file has bad lines; `problems` holds each as `line N: reason`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def normal_text(text: str) -> str:
    """Return text folded for matching: case and punctuation ignored, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in folded)
    return " ".join(kept.split())


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Walk the YAML nodes, collecting problems with their line numbers."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.problems: list[str] = []
        self.seen: dict[str, int] = {}

    def fail(self, node: Node | int, reason: str) -> None:
        line = node if isinstance(node, int) else _line(node)
        self.problems.append(f"line {line}: {reason}")

    def text_of(self, node: Node, what: str, limit: int) -> str | None:
        if not isinstance(node, ScalarNode):
            self.fail(node, f"{what} must be text")
            return None
        value = " ".join(str(node.value).split())
        if not value:
            self.fail(node, f"{what} is empty")
            return None
        if len(value) > limit:
            self.fail(node, f"{what} is longer than {limit} characters")
            return None
        return value

    def document(self, root: Node | None) -> QuestionnaireSpec | None:
        if not isinstance(root, MappingNode):
            self.fail(1 if root is None else root, "expected 'title:' and a list of 'questions:'")
            return None
        fields = self.mapping(root, _TOP_KEYS)
        title = DEFAULT_TITLES[self.kind]
        if "title" in fields:
            title = self.text_of(fields["title"], "title", MAX_TITLE) or title
        listed = fields.get("questions")
        if listed is None:
            self.fail(root, "no 'questions:' list")
            return None
        if not isinstance(listed, SequenceNode) or not listed.value:
            self.fail(listed, "'questions:' must be a list of at least one question")
            return None
        if len(listed.value) > MAX_QUESTIONS:
            self.fail(
                listed.value[MAX_QUESTIONS],
                f"too many questions ({len(listed.value)}): at most {MAX_QUESTIONS}"
                " in one questionnaire",
            )
            return None
        questions = [self.question(node) for node in listed.value]
        if self.problems:
            return None
        return QuestionnaireSpec(self.kind, title, tuple(q for q in questions if q is not None))

    def mapping(self, node: MappingNode, allowed: frozenset[str]) -> dict[str, Node]:
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
            if key not in allowed:
                self.fail(
                    key_node, f"unknown key {key[:40]!r} (known: {', '.join(sorted(allowed))})"
                )
            elif key in fields:
                self.fail(key_node, f"{key!r} is given twice")
            else:
                fields[key] = value_node
        return fields

    def question(self, node: Node) -> QuestionSpec | None:
        if not isinstance(node, MappingNode):
            self.fail(node, "a question must be a mapping with id, type and text")
            return None
        before = len(self.problems)
        fields = self.mapping(node, _QUESTION_KEYS)
        ref = self.ref(node, fields.get("id"))
        question_type = self.question_type(node, fields.get("type"))
        prompt = None
        if "text" not in fields:
            self.fail(node, "the question has no 'text'")
        else:
            prompt = self.text_of(fields["text"], "text", MAX_PROMPT)
        required = self.required(fields.get("required"), question_type)
        options: tuple[str, ...] = ()
        correct = None
        if question_type == "choice":
            options = self.options(node, fields.get("options"))
            correct = self.correct(node, fields.get("correct"), options)
        else:
            for key in ("options", "correct"):
                if key in fields:
                    self.fail(fields[key], f"'{key}' belongs to choice questions only")
        if len(self.problems) > before or ref is None or question_type is None or prompt is None:
            return None
        return QuestionSpec(ref, question_type, prompt, options, correct, required)

    def ref(self, question: Node, node: Node | None) -> str | None:
        if node is None:
            self.fail(question, "the question has no 'id'")
            return None
        if not isinstance(node, ScalarNode) or not _REF.fullmatch(str(node.value)):
            self.fail(node, "an id has 1-32 letters, digits, - or _")
            return None
        ref = str(node.value)
        first = self.seen.get(ref.casefold())
        if first is not None:
            self.fail(node, f"duplicate id {ref!r} (first used on line {first})")
            return None
        self.seen[ref.casefold()] = _line(node)
        return ref

    def question_type(self, question: Node, node: Node | None) -> QuestionType | None:
        allowed: tuple[QuestionType, ...] = (
            ("choice",) if self.kind in TESTS else ("scale", "text")
        )
        if node is None:
            return allowed[0]
        value = str(node.value).strip().lower() if isinstance(node, ScalarNode) else ""
        chosen = next((known for known in QUESTION_TYPES if known == value), None)
        if chosen is None:
            self.fail(node, f"unknown type {value[:20]!r}: use choice, scale or text")
            return None
        if chosen not in allowed:
            self.fail(node, f"a {self.kind} has {' or '.join(allowed)} questions only")
            return None
        return chosen

    def required(self, node: Node | None, question_type: QuestionType | None) -> bool:
        if node is None:
            return question_type != "text"
        if not isinstance(node, ScalarNode) or node.tag != _BOOL_TAG:
            self.fail(node, "'required' must be true or false")
            return True
        return str(node.value).lower() in ("true", "yes", "on")

    def options(self, question: Node, node: Node | None) -> tuple[str, ...]:
        if node is None:
            self.fail(question, f"a choice question needs {MIN_OPTIONS}-{MAX_OPTIONS} 'options'")
            return ()
        if not isinstance(node, SequenceNode) or not (
            MIN_OPTIONS <= len(node.value) <= MAX_OPTIONS
        ):
            self.fail(node, f"a choice question needs {MIN_OPTIONS}-{MAX_OPTIONS} options (A-D)")
            return ()
        options: list[str] = []
        for item in node.value:
            text = self.text_of(item, "an option", MAX_OPTION)
            if text is None:
                return ()
            if any(normal_text(text) == normal_text(known) for known in options):
                self.fail(item, f"option {text[:40]!r} is given twice")
                return ()
            options.append(text)
        return tuple(options)

    def correct(self, question: Node, node: Node | None, options: tuple[str, ...]) -> int | None:
        if node is None:
            self.fail(question, "the question has no 'correct' option")
            return None
        if not options:
            return None
        value = str(node.value).strip() if isinstance(node, ScalarNode) else ""
        letters = LETTERS[: len(options)]
        if len(value) == 1 and value.upper() in letters:
            return letters.index(value.upper())
        for index, option in enumerate(options):
            if value and normal_text(value) == normal_text(option):
                return index
        self.fail(
            node,
            f"correct answer {value[:40]!r} is not one of the options {letters[0]}-{letters[-1]}",
        )
        return None


def parse_questionnaire(content: bytes | str, kind: Kind) -> QuestionnaireSpec:
    """Return the checked questionnaire, or raise QuestionnaireError listing every bad line."""
    if len(content) > MAX_FILE_BYTES:
        raise QuestionnaireError([f"line 1: the file is larger than {MAX_FILE_BYTES} bytes"])
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = error.object[: error.start].count(b"\n") + 1
            raise QuestionnaireError([f"line {line}: not UTF-8 text"]) from error
    reader = _Reader(kind)
    try:
        _refuse_aliases(content)
        root = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = 1 if mark is None else mark.line + 1
        raise QuestionnaireError([f"line {line}: not valid YAML ({error.problem})"]) from error
    except yaml.YAMLError as error:
        raise QuestionnaireError([f"line 1: not valid YAML ({error})"]) from error
    spec = reader.document(root)
    if spec is None or reader.problems:
        problems = sorted(reader.problems, key=_line_number)[:MAX_PROBLEMS]
        if len(reader.problems) > MAX_PROBLEMS:
            problems.append(f"... and {len(reader.problems) - MAX_PROBLEMS} more problems")
        raise QuestionnaireError(problems)
    return spec


def _line_number(problem: str) -> int:
    return int(problem.split(":", 1)[0].removeprefix("line "))


def _refuse_aliases(content: str) -> None:
    """Refuse anchors and aliases: a few lines of them can expand into millions of nodes."""
    for event in yaml.parse(content, Loader=yaml.SafeLoader):
        anchor: Any = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            mark: Any = event.start_mark
            line = 1 if mark is None else int(mark.line) + 1
            raise QuestionnaireError(
                [f"line {line}: anchors and aliases (& and *) are not allowed"]
            )


def option_letter(index: int) -> str:
    """Return the letter of an option: 0 → A."""
    return LETTERS[index]
