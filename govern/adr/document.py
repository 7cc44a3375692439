"""An ADR file's text split into front matter and the ```datalog blocks of its body."""
from __future__ import annotations

from dataclasses import dataclass

from govern.adr.safe_yaml import SafeYAMLHandler

_HANDLER = SafeYAMLHandler()


class NotClosed(Exception):
    """The file starts with '---' but no closing '---' line follows."""


@dataclass(frozen=True)
class Document:
    front: str  # front matter text; its first line is the rest of the opening '---' line
    front_offset: int  # file line = line in `front` (1-based) + front_offset
    blocks: tuple[tuple[str, int], ...]  # (datalog text, file line of its first line)


def split(text: str) -> Document | None:
    """None when the text has no front matter (README, template without one)."""
    if not _HANDLER.detect(text):
        return None
    try:
        front, content = _HANDLER.split(text)
    except ValueError:
        raise NotClosed() from None
    start = _HANDLER.FM_BOUNDARY.match(text).end()
    body_start = len(text) - len(content)
    # Blank out the front matter but keep its lines, so markdown-it reports file lines.
    masked = "\n" * text.count("\n", 0, body_start) + content
    return Document(front, text.count("\n", 0, start), tuple(_datalog_blocks(masked)))


def _datalog_blocks(markdown: str) -> list[tuple[str, int]]:
    if "```" not in markdown and "~~~" not in markdown:
        return []  # no fence, no datalog block: markdown-it (~30 ms to import) is not needed
    from markdown_it import MarkdownIt

    blocks = []
    for token in MarkdownIt("commonmark").parse(markdown):
        info = token.info.split()[0].lower() if token.type == "fence" and token.info.split() else ""
        if info == "datalog" and token.map:
            blocks.append((token.content, token.map[0] + 2))  # map is 0-based and starts at the fence line
    return blocks
