"""The per-article pipeline: stages are plain functions, listed here in one place.

Every stage module defines ``STAGE = Stage(name, run, needs, adds)`` where ``run`` is
``def stage(article, *, settings) -> Article``. `build_pipeline` checks, before any article
runs, that each stage's needs are added by an earlier one. Cleaning (raw document -> Article)
always comes first and adds the facts every later stage may need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from dateline.errors import PipelineError
from dateline.model import Article, RawDocument
from dateline.settings import Settings

# The stages dateline knows, in their natural order. A stage module lives at
# dateline.pipeline.<name> and exposes STAGE.
STAGE_NAMES: tuple[str, ...] = ("annotate", "timerefs", "quotes", "claims", "events", "embed")

# What the clean step (raw document -> Article) provides to every later stage.
CLEAN_ADDS = frozenset({"text", "title", "byline", "published", "notes"})

StageFn = Callable[..., Article]
BatchFn = Callable[..., list[Article]]


@dataclass(frozen=True, slots=True)
class Stage:
    """A named per-article stage with what it needs and what it adds."""

    name: str
    run: StageFn
    needs: frozenset[str]
    adds: frozenset[str]
    run_batch: BatchFn | None = None  # optional faster path over many articles (nlp.pipe)


def get_stage(name: str) -> Stage:
    """Return the stage called `name`, or raise PipelineError naming the known ones."""
    if name not in STAGE_NAMES:
        raise PipelineError(f"unknown stage {name!r}; known stages: {', '.join(STAGE_NAMES)}")
    module = importlib.import_module(f"dateline.pipeline.{name}")
    stage: Stage = module.STAGE
    return stage


@dataclass(frozen=True, slots=True)
class Pipeline:
    """An order-checked list of stages bound to settings."""

    stages: tuple[Stage, ...]
    settings: Settings
    names: tuple[str, ...] = field(default=())

    def process(self, raw: RawDocument) -> Article:
        """Clean one raw document and run every stage on it."""
        return self.process_many([raw])[0]

    def process_many(self, raws: Sequence[RawDocument]) -> list[Article]:
        """Clean raw documents and run every stage over them, in batches where a stage can."""
        from dateline.pipeline.clean import clean_document

        articles = [clean_document(raw, settings=self.settings) for raw in raws]
        return self.run_stages(articles)

    def run_stages(self, articles: list[Article]) -> list[Article]:
        """Run the stages over already-clean articles (those not in English: see languages)."""
        from dateline.languages import annotate_other_languages, is_english

        if not all(is_english(a) for a in articles):
            # The stages are written for English; other languages get what theirs has.
            english = iter(self.run_stages([a for a in articles if is_english(a)]))
            others = [a for a in articles if not is_english(a)]
            other = iter(
                annotate_other_languages(others, settings=self.settings, stages=self.names)
            )
            return [next(english) if is_english(a) else next(other) for a in articles]
        for stage in self.stages:
            if stage.run_batch is not None:
                articles = stage.run_batch(articles, settings=self.settings)
            else:
                articles = [stage.run(a, settings=self.settings) for a in articles]
            articles = [_mark(a, stage.name) for a in articles]
        return articles


def _mark(article: Article, name: str) -> Article:
    return replace(article, stages=(*article.stages, name))


def build_pipeline(names: Iterable[str] | None = None, *, settings: Settings) -> Pipeline:
    """Build a pipeline from stage names (default: settings.stages) after checking their order."""
    given = tuple(names if names is not None else settings.stages)
    if given == ("all",):
        given = STAGE_NAMES
    chosen = tuple(n for n in given if n != "clean")
    stages = tuple(get_stage(n) for n in chosen)
    have = set(CLEAN_ADDS)
    for stage in stages:
        missing = stage.needs - have
        if missing:
            raise PipelineError(
                f"stage {stage.name!r} needs {sorted(missing)}, which no earlier stage adds; "
                f"order given: {', '.join(chosen)}"
            )
        have |= stage.adds
    return Pipeline(stages=stages, settings=settings, names=chosen)
