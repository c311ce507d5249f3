"""The fonts csdesk ships, which one draws each character, and how each toolkit gets them.

No single free font covers every script a customer name can be written in, and neither
reportlab nor a PDF viewer falls back to another font by itself. So csdesk ships three
TrueType fonts (see NOTICES.md), decides per run of characters which one draws it
(:func:`split_runs`), and registers the same files with reportlab, matplotlib and Qt so that
a name looks the same in a PDF, a chart and the window.

This module imports reportlab, matplotlib and Qt only inside the functions that need them,
so importing it costs nothing and works where one of them is missing.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

logger = logging.getLogger(__name__)

# Shown in place of a character that no shipped font can draw; DejaVu Sans has it.
REPLACEMENT_CHARACTER = "\ufffd"


@dataclass(frozen=True)
class FontFace:
    """One shipped typeface: its files and the names each toolkit knows it by.

    Attributes:
        key: short stable name used in code and tests ("sans", "cjk", "hangul").
        pdf_name: reportlab font name of the regular weight.
        pdf_bold_name: reportlab font name of the bold weight (the regular one if none).
        family: the family name inside the file, used by matplotlib and Qt.
        regular_file: file name of the regular weight under resources/fonts.
        bold_file: file name of the bold weight, if the typeface has one.
    """

    key: str
    pdf_name: str
    pdf_bold_name: str
    family: str
    regular_file: str
    bold_file: str | None = None

    def files(self) -> tuple[str, ...]:
        """The face's font file names, regular first."""
        return (self.regular_file,) + ((self.bold_file,) if self.bold_file else ())

    def pdf_font(self, bold: bool = False) -> str:
        """The reportlab font name of the wanted weight."""
        return self.pdf_bold_name if bold else self.pdf_name


SANS = FontFace(
    key="sans",
    pdf_name="CsdeskSans",
    pdf_bold_name="CsdeskSans-Bold",
    family="DejaVu Sans",
    regular_file="DejaVuSans.ttf",
    bold_file="DejaVuSans-Bold.ttf",
)
CJK = FontFace(
    key="cjk",
    pdf_name="CsdeskCJK",
    pdf_bold_name="CsdeskCJK",
    family="Droid Sans Fallback",
    regular_file="DroidSansFallbackFull.ttf",
)
HANGUL = FontFace(
    key="hangul",
    pdf_name="CsdeskHangul",
    pdf_bold_name="CsdeskHangul-Bold",
    family="NanumGothic",
    regular_file="NanumGothic.ttf",
    bold_file="NanumGothicBold.ttf",
)

# The order matters: it is the fallback order for characters of no particular script.
FACES: tuple[FontFace, ...] = (SANS, CJK, HANGUL)

# Hangul jamo, compatibility jamo, extended jamo, syllables and half-width forms.
_HANGUL_RANGES = (
    (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xFFA0, 0xFFDC),
)
# CJK radicals, punctuation, kana, strokes, enclosed and compatibility forms, ideographs
# (with their extensions) and full-width forms.
_CJK_RANGES = (
    (0x2E80, 0x2FFF), (0x3000, 0x312F), (0x3190, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFF9F), (0xFFE0, 0xFFEF), (0x20000, 0x3FFFF),
)


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


@cache
def font_folder() -> Path:
    """The folder holding the shipped font files (inside the installed package)."""
    try:
        return Path(str(files("csdesk.resources") / "fonts"))
    except ModuleNotFoundError:
        pass
    # Not importable as a package: a bundle that ships resources/ as data beside the code
    # (csdesk/resources), or a source checkout whose install does not map it (./resources).
    here = Path(__file__).resolve().parent
    candidates = (here / "resources" / "fonts", here.parent / "resources" / "fonts")
    folder = next((c for c in candidates if c.is_dir()), candidates[-1])
    logger.debug("csdesk.resources is not importable; reading fonts from %s", folder)
    return folder


def font_file(name: str) -> Path:
    """Full path of one shipped font file; a missing file is a broken install, said plainly."""
    path = font_folder() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"font {name} is missing from {path.parent}; reinstall csdesk to restore it"
        )
    return path


@cache
def coverage(face: FontFace) -> frozenset[int]:
    """The code points the face's regular file has a glyph for (from its cmap table)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font_file(face.regular_file)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _drawable(char: str) -> bool:
    # Control, unassigned and surrogate code points are never drawn, even where a font's cmap
    # happens to list them (DejaVu maps NUL and CR to empty glyphs).
    return unicodedata.category(char) not in ("Cc", "Cn", "Cs")


def preferred_faces(char: str) -> tuple[FontFace, ...]:
    """The faces to try for a character, best first, by the script it belongs to."""
    code = ord(char)
    if _in_ranges(code, _HANGUL_RANGES):
        return (HANGUL, CJK, SANS)
    if _in_ranges(code, _CJK_RANGES):
        return (CJK, HANGUL, SANS)
    return FACES


def face_for(char: str) -> FontFace | None:
    """The face that draws ``char``, or None when no shipped font has it."""
    if not _drawable(char):
        return None
    code = ord(char)
    for face in preferred_faces(char):
        if code in coverage(face):
            return face
    return None


def _joins_previous(char: str) -> bool:
    # Spaces and combining marks stay in the run before them when that font has them, so a
    # name in one script is one run and an accent stays with its letter.
    return char.isspace() or unicodedata.category(char) in ("Mn", "Me")


def split_runs(text: str) -> list[tuple[FontFace | None, str]]:
    """Cut text into runs that one face can draw; None marks characters no face has.

    Args:
        text: any text, in any mix of scripts.

    Returns:
        ``(face, run)`` pairs in order; joined, the runs give back ``text``.
    """
    runs: list[tuple[FontFace | None, str]] = []
    for char in text:
        current = runs[-1][0] if runs else None
        if current is not None and _joins_previous(char) and ord(char) in coverage(current):
            face: FontFace | None = current
        else:
            face = face_for(char)
        if runs and runs[-1][0] is face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def missing_characters(text: str) -> list[str]:
    """Characters of ``text`` that no shipped font can draw, each once, in order."""
    seen: dict[str, None] = {}
    for face, run in split_runs(text):
        if face is None:
            seen.update(dict.fromkeys(run))
    return list(seen)


_reportlab_lock = threading.Lock()


def register_reportlab_fonts() -> None:
    """Make the shipped fonts known to reportlab (once per process; safe to call again)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _reportlab_lock:
        if SANS.pdf_name in pdfmetrics.getRegisteredFontNames():
            return
        for face in FACES:
            pdfmetrics.registerFont(TTFont(face.pdf_name, str(font_file(face.regular_file))))
            if face.bold_file:
                bold_path = str(font_file(face.bold_file))
                pdfmetrics.registerFont(TTFont(face.pdf_bold_name, bold_path))
            # <b> inside a paragraph maps to the bold file (or stays regular where none).
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(face.pdf_name, bold, italic, face.pdf_font(bool(bold)))
        logger.debug("registered %d typefaces with reportlab", len(FACES))


_matplotlib_lock = threading.Lock()
_matplotlib_done = False


def matplotlib_families() -> list[str]:
    """The font family list for matplotlib, after adding the shipped files to its manager.

    matplotlib falls back along the list glyph by glyph, so a chart label mixing Latin,
    Chinese and Korean draws every character without "Glyph missing" warnings.
    """
    global _matplotlib_done
    from matplotlib import font_manager

    with _matplotlib_lock:
        if not _matplotlib_done:
            for face in FACES:
                for name in face.files():
                    font_manager.fontManager.addfont(str(font_file(name)))
            _matplotlib_done = True
    return [face.family for face in FACES]


def register_qt_fonts() -> list[str]:
    """Add the shipped fonts to Qt's font database; call after the QGuiApplication exists.

    Returns:
        The family names Qt reports for the added files, in fallback order.
    """
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    for face in FACES:
        for name in face.files():
            font_id = QFontDatabase.addApplicationFont(str(font_file(name)))
            if font_id < 0:
                logger.warning("Qt could not load the font %s", name)
                continue
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in families:
                    families.append(family)
    return families
