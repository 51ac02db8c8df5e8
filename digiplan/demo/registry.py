"""The demo and the benchmark data are built by each app's own steps, registered from its
AppConfig.ready() (as django.contrib.admin's autodiscovery does): this app runs them in order
and imports none of them.

An app with demo data has a `demo.py` with a `PART`:

    PART = DemoPart(
        app="plans",
        order=40,             # organisations 10, frameworks 20, assessments 30, plans 40
        seed=seed_step,       # (run) -> None: manage.py seed_demo; writes nothing the second time
        logins=...,           # () -> [DemoLogin]: manage.py demo_logins
        scale=...,            # (run, size) -> None: manage.py seed_scale
    )

and registers it: `demo_parts.register(PART)`. A step builds on the steps before it (the plans
need the organisation, its framework and its results) and says what it did through `run`."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol


class Output(Protocol):
    """Where a step's lines go: a management command's stdout."""

    def write(self, msg: str, /) -> object: ...


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    places: str


@dataclass(frozen=True)
class ScaleSize:
    """What manage.py seed_scale is asked to build."""

    units: int
    staff: int
    huvudman: str  # organisation number, made if missing
    units_per_area: int
    areas_per_administration: int
    batch_size: int
    seed: int


@dataclass
class DemoRun:
    """Where a step reports: a line as it goes (say), and a summary of what it built (built),
    printed at the end."""

    stdout: Output
    summaries: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.stdout.write(text)

    def built(self, summary: str) -> None:
        self.summaries.append(summary)


@dataclass(frozen=True)
class DemoPart:
    app: str
    order: int
    seed: Callable[[DemoRun], None] | None = None
    logins: Callable[[], list[DemoLogin]] | None = None
    scale: Callable[[DemoRun, ScaleSize], None] | None = None


class DemoRegistry:
    def __init__(self) -> None:
        self._parts: dict[str, DemoPart] = {}

    def register(self, part: DemoPart) -> DemoPart:
        # Keyed by app: ready() running twice registers once.
        self._parts[part.app] = part
        return part

    def __iter__(self) -> Iterator[DemoPart]:
        return iter(sorted(self._parts.values(), key=lambda part: (part.order, part.app)))


demo_parts = DemoRegistry()
