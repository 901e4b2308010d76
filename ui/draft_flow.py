"""What the steps of the rep's flow after Record (Personalize, Send) work with, as one value
the window hands each of them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from ui.services import Services
from ui.state import DraftHolder
from ui.tasks import Runner


@dataclass(frozen=True, slots=True)
class DraftFlow:
    """The current draft (`drafts`), the runner for slow work, and the core's one door."""

    runner: Runner
    drafts: DraftHolder
    services: Services


class FlowScreen(QWidget):
    """A step of the flow (Personalize, Send): it keeps the three parts of its DraftFlow."""

    def __init__(self, flow: DraftFlow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.drafts, self.services = flow.runner, flow.drafts, flow.services
