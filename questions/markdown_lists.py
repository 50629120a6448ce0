"""A Python-Markdown extension: a list may start on the line right after a paragraph.

The seeds write ``**答案：** …`` and the list under it with no blank line between them, as
most Chinese editors (and CommonMark) do; plain Python-Markdown would keep the dashes as
text inside the paragraph. This block processor splits such a block before its first list
item, through Python-Markdown's own block API (code blocks are stashed before it runs).
"""

import re

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+[.)])[ ]+\S")


class ListAfterParagraphProcessor(BlockProcessor):
    def test(self, parent, block):
        lines = block.split("\n")
        return not LIST_ITEM.match(lines[0]) and any(LIST_ITEM.match(line) for line in lines[1:])

    def run(self, parent, blocks):
        lines = blocks.pop(0).split("\n")
        first = next(i for i, line in enumerate(lines) if i and LIST_ITEM.match(line))
        blocks.insert(0, "\n".join(lines[first:]))
        blocks.insert(0, "\n".join(lines[:first]))
        return False  # the paragraph part is handled by the paragraph processor next


class ListAfterParagraphExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API
        # Below the list, code and heading processors, above the paragraph (priority 10).
        md.parser.blockprocessors.register(
            ListAfterParagraphProcessor(md.parser), "list_after_paragraph", 12
        )


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point
    return ListAfterParagraphExtension(**kwargs)
