"""Account > Surveys: NPS and CSAT answers, raw, with their scale."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from csdesk.services.account_records import SurveyRow, survey_answers
from csdesk.ui.account.account_tab import AccountTab, make_table
from csdesk.ui.qtmodels.survey_answers_table_model import SurveyAnswersTableModel
from csdesk.ui.workspace import Workspace


class SurveysTab(AccountTab):
    TITLE = "Surveys"

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.model = SurveyAnswersTableModel(self)
        self.table, self.proxy = make_table(self.model, "Survey answers",
                                            SurveyAnswersTableModel.COMMENT)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.table, 1)

    def load(self) -> None:
        account_id = self.account_id

        def read(session: Any) -> list[SurveyRow]:
            return survey_answers(session, account_id)  # type: ignore[arg-type]

        self.workspace.load(read, self._show, self, "load the survey answers")

    def _show(self, answers: list[SurveyRow]) -> None:
        self.model.set_rows(answers)
        nps = [a for a in answers if a.kind == "nps" and (a.scale_min, a.scale_max) == (0, 10)]
        detractors = sum(1 for a in nps if a.score <= 6)
        self.summary.setText(
            f"{len(answers)} answers: {len(nps)} NPS on the 0-10 scale "
            f"({detractors} detractors), {len(answers) - len(nps)} other." if answers
            else "No survey answers yet.")
        self.loaded.emit()
