"""A question that an app asks the apps above it, without importing them.

The app below defines the hook; an app above answers by registering a function in its
AppConfig.ready() (as django.contrib.admin's autodiscovery does). Asking calls every registered
function, in the order the apps are installed, and returns their answers: none when no app
above is installed, so the app below works alone."""

from collections.abc import Callable


class Hook[**P, R]:
    def __init__(self, name: str) -> None:
        self.name = name
        self._answerers: list[Callable[P, R]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._answerers)} registered>"

    def register(self, answerer: Callable[P, R]) -> Callable[P, R]:
        # ready() may run twice (tests that reload apps): register once.
        if answerer not in self._answerers:
            self._answerers.append(answerer)
        return answerer

    def ask(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [answer(*args, **kwargs) for answer in self._answerers]
