"""`quiz import|list|show`: the pre-test, post-test and evaluation questionnaires."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers, session_by_code
from bot.settings import Settings
from handlers.evaluations.catalogue import QuestionnaireInUse, import_questionnaire
from handlers.evaluations.questionnaires import (
    KINDS,
    MAX_FILE_BYTES,
    QuestionnaireError,
    option_letter,
    parse_questionnaire,
)
from handlers.evaluations.scoring import SCALE, question_results


def register(commands: Subparsers) -> None:
    """Add `quiz import FILE --kind K --session CODE|--default`, `quiz list`, `quiz show ID`."""
    quiz = commands.add_parser("quiz", help="pre-test, post-test and evaluation questionnaires")
    actions = quiz.add_subparsers(dest="action", required=True)
    load = actions.add_parser("import", help="load a questionnaire file (YAML, see the README)")
    load.add_argument("file", type=Path)
    load.add_argument("--kind", required=True, choices=KINDS)
    scope = load.add_mutually_exclusive_group(required=True)
    scope.add_argument("--session", help="for this session only")
    scope.add_argument("--default", action="store_true", help="for every session without one")
    load.set_defaults(func=import_file)
    actions.add_parser("list", help="list questionnaires").set_defaults(func=list_questionnaires)
    show = actions.add_parser("show", help="a questionnaire's questions and results")
    show.add_argument("id", type=int, help="the id from `quiz list`")
    show.set_defaults(func=show_questionnaire)


async def import_file(settings: Settings, args: argparse.Namespace) -> int:
    """Check every line of a questionnaire file; store it only when all are good."""
    path: Path = args.file
    try:
        spec = parse_questionnaire(await asyncio.to_thread(_read_file, path), args.kind)
    except QuestionnaireError as error:
        for problem in error.problems:
            print(f"{path.name}: {problem}", file=sys.stderr)
        print(f"{path.name}: nothing imported", file=sys.stderr)
        return 2
    async with open_services(settings) as services:
        storage = services.storage
        session = None if args.default else await session_by_code(storage, args.session)
        try:
            stored, replaced = await import_questionnaire(
                storage, spec, session, services.clock.now(), actor=ACTOR
            )
        except QuestionnaireInUse as error:
            raise CliError(
                "people have already answered this questionnaire; its questions stay as they"
                " are (import it for a new session instead)"
            ) from error
    scope = "every session without its own" if session is None else f"session {session.code}"
    verb = "replaced the questions of" if replaced else "created"
    print(
        f"{verb} questionnaire {stored.id}: {spec.kind} for {scope},"
        f" {len(spec.questions)} question(s)"
    )
    return 0


def _read_file(path: Path) -> bytes:
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CliError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    return path.read_bytes()


async def list_questionnaires(settings: Settings, _args: argparse.Namespace) -> int:
    """Print every questionnaire."""
    async with open_services(settings) as services:
        summaries = await services.storage.questionnaires.summaries()
    print("id\tkind\tsession\tquestions\tresponses\ttitle")
    for item in summaries:
        questionnaire = item.questionnaire
        print(
            f"{questionnaire.id}\t{questionnaire.kind}\t{item.session_code or '(default)'}\t"
            f"{item.questions}\t{item.responses}\t{questionnaire.title}"
        )
    return 0


async def show_questionnaire(settings: Settings, args: argparse.Namespace) -> int:
    """Print a questionnaire's questions, and per question the share right or the mean."""
    async with open_services(settings) as services:
        storage = services.storage
        questionnaire = await storage.questionnaires.get(args.id)
        if questionnaire is None:
            raise CliError(f"no questionnaire {args.id} (see `quiz list`)")
        questions = await storage.questionnaires.questions(questionnaire.id)
        counts = await storage.quizzes.answer_counts(questionnaire.id)
    print(f"{questionnaire.kind}: {questionnaire.title}")
    for number, result in enumerate(question_results(questions, counts), start=1):
        question = result.question
        print(f"{number}. [{question.ref}] {question.prompt} ({question.type})")
        for index, option in enumerate(question.options):
            mark = "*" if index == question.correct else " "
            print(f"   {mark}{option_letter(index)}. {option}")
        if result.share_right is not None:
            print(f"   right: {result.share_right:.0%} of {result.answered}")
        if result.mean is not None:
            spread = " ".join(f"{v}:{n}" for v, n in zip(SCALE, result.distribution, strict=True))
            print(f"   mean {result.mean:.2f} of {result.answered} ({spread})")
    return 0
