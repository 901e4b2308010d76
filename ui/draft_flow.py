"""What the steps of the rep's flow after Record (Personalize, Send) work with, as one value
the window hands each of them."""

from __future__ import annotations

from dataclasses import dataclass

from ui.services import Services
from ui.state import DraftHolder
from ui.tasks import Runner


@dataclass(frozen=True, slots=True)
class DraftFlow:
    """The current draft (`drafts`), the runner for slow work, and the core's one door."""

    runner: Runner
    drafts: DraftHolder
    services: Services
