"""Text encodings: decide how a text file is encoded and, when it is not UTF-8, transcode it to a UTF-8 copy.

DuckDB reads UTF-8 only. Files with a BOM (UTF-8/16/32) say what they are; other non-UTF-8 files are guessed from
their first megabyte with ``charset_normalizer``: Western files become CP1252/Latin-1, and Japanese, Chinese,
Korean and Cyrillic files their own codec when the decoded text really is in that script (on a few lines of
Shift-JIS the library's first guess is Korean CP949, which turns every comment into nonsense Hangul).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

SAMPLE_BYTES = 1 << 20
#: Codec family → (codecs, the characters its text must be mostly made of).
SCRIPTS: dict[str, tuple[tuple[str, ...], re.Pattern[str]]] = {
    "Japanese": (("cp932", "shift_jis", "euc_jp", "iso2022_jp"), re.compile(r"[\u3040-\u30ff]")),  # kana
    "Chinese": (("gb18030", "gbk", "gb2312", "big5", "big5hkscs"), re.compile(r"[\u4e00-\u9fff]")),
    "Korean": (("cp949", "euc_kr", "johab"), re.compile(r"[\uac00-\ud7af]")),
    "Cyrillic": (("cp1251", "koi8_r", "koi8_u", "mac_cyrillic", "cp866"), re.compile(r"[\u0400-\u04ff]")),
}
LETTER = re.compile(r"[^\W\d_]")


def ensure_utf8(path: Path, head: bytes, scratch: Path) -> tuple[Path, str, list[str]]:
    """A UTF-8 file to read: ``path`` itself, or a transcoded copy in ``scratch``; plus the encoding and warnings."""
    if head.startswith(codecs.BOM_UTF8):
        return path, "utf-8-sig", []
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"))
    boms += ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, enc in boms:  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
        if head.startswith(bom):
            return transcode(path, enc, scratch), enc, [f"{path.name}: read as {enc.upper()} and converted to UTF-8"]
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SAMPLE_BYTES)
        return path, "utf-8", []
    except UnicodeDecodeError:
        pass
    script, enc = guess_encoding(head)
    if script:
        warn = (
            f"{path.name} is not UTF-8; it was read as {enc} ({script}). "
            "Check the text; save the file as UTF-8 to silence this warning"
        )
    else:
        warn = (
            f"{path.name} is not UTF-8; it was read as {enc} (Latin-1/Windows). "
            "Check accented characters; save the file as UTF-8 to silence this warning"
        )
    return transcode(path, enc, scratch), enc, [warn]


def guess_encoding(head: bytes) -> tuple[str | None, str]:
    """(script or None for Western, Python codec) of non-UTF-8 bytes."""
    from charset_normalizer import from_bytes

    results = from_bytes(head)
    candidates = [codecs.lookup(r.encoding).name for r in results]
    for script, (names, chars) in SCRIPTS.items():
        for enc in (c for c in candidates if c in {codecs.lookup(n).name for n in names}):
            text = head.decode(enc, errors="ignore")
            letters = len(LETTER.findall(text))
            if letters and len(chars.findall(text)) >= 0.3 * letters:
                return script, enc
    best = results.best()
    enc = codecs.lookup(best.encoding).name if best else "cp1252"
    return None, "latin-1" if enc in {"latin-1", "iso8859-1"} else "cp1252"


def transcode(path: Path, encoding: str, scratch: Path) -> Path:
    """Stream ``path`` from ``encoding`` into a UTF-8 file in ``scratch`` (chunked: constant memory)."""
    out = scratch / (path.stem + ".utf8" + path.suffix)
    # cp1252 leaves 5 bytes undefined; decode those as latin-1 rather than failing on one stray byte. Other codecs
    # mark an undecodable byte with U+FFFD rather than stopping the ingest with a traceback.
    errors = "strict" if encoding == "latin-1" else "replace"
    if encoding == "cp1252":
        codecs.register_error("cp1252_fallback", lambda e: (e.object[e.start : e.end].decode("latin-1"), e.end))
        errors = "cp1252_fallback"
    with (
        path.open("r", encoding=encoding, errors=errors, newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return out
