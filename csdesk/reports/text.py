"""User text into paragraph markup: escaped, one font per run, nothing lost silently.

reportlab reads paragraph text as markup, so a customer called ``R&D <Labs>`` would lose
characters or stop the build; and it has no font fallback, so a Japanese name in the Latin
font would come out as boxes. :class:`Markup` escapes every piece of user text and wraps
each run of characters in the shipped font that draws it. A character no shipped font has
is shown as a visible replacement glyph and logged once per document.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from xml.sax.saxutils import escape

from csdesk.fonts import REPLACEMENT_CHARACTER, SANS, split_runs

logger = logging.getLogger(__name__)

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n+")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def needs_shaping(text: str) -> bool:
    """True for text with right-to-left letters (Hebrew, Arabic ...), which need shaping."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


class Markup:
    """Makes paragraph markup from user text for one document.

    Args:
        document: what the document is, named in the warning about undrawable characters.
    """

    def __init__(self, document: str = "document") -> None:
        self.document = document
        self._warned: set[str] = set()

    @property
    def replaced(self) -> frozenset[str]:
        """Characters that were replaced because no shipped font draws them."""
        return frozenset(self._warned)

    def inline(self, text: object, bold: bool = False) -> str:
        """One line of markup: whitespace collapsed, escaped, fonts per run.

        Args:
            text: user text (anything; None gives an empty string).
            bold: whether the paragraph style it goes into is bold.

        Returns:
            Markup safe to put in a Paragraph whose base font is the shipped sans.
        """
        if text is None:
            return ""
        return self._runs(_SPACES.sub(" ", str(text)).strip(), bold)

    def lines(self, text: object, bold: bool = False) -> str:
        """Markup that keeps the text's line breaks (as ``<br/>``)."""
        if text is None:
            return ""
        rows = [_SPACES.sub(" ", row).strip() for row in str(text).splitlines()]
        return "<br/>".join(self._runs(row, bold) for row in rows)

    def paragraphs(self, text: object) -> list[str]:
        """Markup for each paragraph of a long text (paragraphs end at a blank line)."""
        if text is None:
            return []
        normalised = str(text).replace("\r\n", "\n").replace("\r", "\n")
        chunks = [chunk.strip() for chunk in _BLANK_LINES.split(normalised)]
        return [self.lines(chunk) for chunk in chunks if chunk]

    def _runs(self, text: str, bold: bool) -> str:
        parts: list[str] = []
        for face, run in split_runs(text):
            if face is None:
                self._warn(run)
                face, run = SANS, REPLACEMENT_CHARACTER * len(run)
            if face is SANS:
                # The paragraph style's own font is the shipped sans in the right weight.
                parts.append(escape(run))
            else:
                parts.append(f'<font name="{face.pdf_font(bold)}">{escape(run)}</font>')
        return "".join(parts)

    def _warn(self, run: str) -> None:
        for char in run:
            if char in self._warned:
                continue
            self._warned.add(char)
            name = unicodedata.name(char, "unnamed")
            logger.warning(
                "%s: no shipped font draws U+%04X (%s); it is shown as %s",
                self.document, ord(char), name, REPLACEMENT_CHARACTER,
            )
