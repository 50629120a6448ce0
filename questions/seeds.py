"""Parse a seed document (Markdown-ish Chinese Q&A text) into its parts.

Pure functions, no database: ``parse_seed(path)`` returns a ``ParsedDocument``
or raises ``SeedError`` naming the file (and line) that is wrong.

Every non-blank line of the file ends up in exactly one place: the title,
keywords, abstract, intro, outro, or one entry's question, prompt, answer or
example. ``ParsedDocument.rebuild()`` puts them back together; tests compare it
with the file.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)(\.?)\s+(\S.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
MARKERS = {"prompt": "**题目：**", "answer": "**答案：**", "example": "**举例：**"}
MARKER_LINE = re.compile(r"^\*\*(题目|答案|举例)：\*\*\s*(.*)$")
MARKER_PART = {"题目": "prompt", "答案": "answer", "举例": "example"}
KEYWORDS = re.compile(r"^关键词[：:]")
ABSTRACT = re.compile(r"^>\s*摘要[：:]")
# A closing paragraph after the last entry ("通过以上分析，…") belongs to the document.
OUTRO = re.compile(r"^(通过以上|综上|总之|总而言之|总的来说)")
# Where a truncated text would not end: sentence-final punctuation, a closing fence.
COMPLETE_ENDING = re.compile(r"([。！？!?…）)」』”\"】.;；]|```|\$\$)$")
FAQ_HEADING = re.compile(r"常见问题|问答|FAQ", re.I)


class SeedError(Exception):
    """A seed file that cannot be imported; the message names the file."""

    def __init__(self, path, message, line=None):
        self.path = str(path)
        self.line = line
        where = f"{Path(path).name}:{line}" if line else Path(path).name
        super().__init__(f"{where}: {message}")


class EntryLayout:
    """How an entry is written in its seed; shared by ParsedEntry and the Entry model."""

    def heading_line(self):
        label = f"{self.section_label} " if self.section_label else ""
        return f"{'#' * self.heading_level} {label}{self.question}"

    def body_blocks(self):
        """The entry's text after its heading, as in the source."""
        blocks = []
        if self.prompt:
            blocks.append(f"{MARKERS['prompt']} {self.prompt}")
        if self.marked:
            blocks.append(f"{MARKERS['answer']} {self.answer}")
        elif self.answer:
            blocks.append(self.answer)
        if self.example:
            blocks.append(f"{MARKERS['example']} {self.example}")
        return blocks


@dataclass
class ParsedEntry(EntryLayout):
    key: str
    question: str
    section: str = ""
    section_label: str = ""
    heading_level: int = 3
    parent_key: str | None = None
    kind: str = "question"
    prompt: str = ""
    answer: str = ""
    example: str = ""
    marked: bool = False
    incomplete: bool = False
    line: int = 0


@dataclass
class ParsedDocument:
    filename: str
    text: str
    title: str = ""
    title_level: int = 0
    keywords: str = ""
    abstract: str = ""
    intro: str = ""
    outro: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)

    def rebuild(self):
        return rebuild_text(self, self.entries)


def rebuild_text(document, entries):
    """Reassemble a document from its stored parts (a Document and its entries work too)."""
    blocks = []
    if document.title:
        blocks.append(f"{'#' * document.title_level} {document.title}")
    blocks += [b for b in (document.keywords, document.abstract, document.intro) if b]
    for entry in entries:
        blocks.append(entry.heading_line())
        blocks += entry.body_blocks()
    if document.outro:
        blocks.append(document.outro)
    return "\n\n".join(blocks)


def normalise_whitespace(text):
    return " ".join(text.split())


def read_seed(path):
    path = Path(path)
    if not path.exists():
        raise SeedError(path, "file does not exist")
    if not path.is_file():
        raise SeedError(path, "not a regular file")
    data = path.read_bytes()
    if b"\x00" in data:
        raise SeedError(path, "binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SeedError(path, f"not valid UTF-8 (byte {exc.start})", line=line) from exc
    if not text.strip():
        raise SeedError(path, "file is empty")
    return text


def parse_seed(path):
    text = read_seed(path)
    return parse_text(text, path)


def _blocks(lines):
    """Join a run of lines back into Markdown, trimming blank lines at both ends."""
    return "\n".join(lines).strip()


def parse_text(text, path="<text>"):
    lines = text.splitlines()
    headings = []  # (index, level, title)
    in_fence = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = HEADING.match(line)
        if m:
            headings.append((i, len(m[1]), m[2].strip()))
    if in_fence:
        raise SeedError(path, "a ``` code fence is never closed")
    numbered = [(i, lvl, t) for i, lvl, t in headings if NUMBERED.match(t)]
    if not numbered:
        raise SeedError(path, "no numbered headings (### 1. …) found: nothing to import")

    doc = ParsedDocument(filename=Path(str(path)).name, text=text)
    first_entry_line = numbered[0][0]
    entry_level = min(lvl for _, lvl, _ in numbered)

    # Everything before the first numbered heading: title, keywords, abstract, intro.
    front = []
    for i in range(first_entry_line):
        m = HEADING.match(lines[i])
        if m and not doc.title and not any(x.strip() for x in front):
            doc.title, doc.title_level = m[2].strip(), len(m[1])
            continue
        front.append(lines[i])
    intro = []
    for para in _paragraphs(front):
        if KEYWORDS.match(para) and not doc.keywords:
            doc.keywords = para
        elif ABSTRACT.match(para) and not doc.abstract:
            doc.abstract = para
        else:
            intro.append(para)
    doc.intro = "\n\n".join(intro)

    # Entries: numbered headings, and unnumbered ones at entry level or above.
    starts = [
        (i, lvl, t)
        for i, lvl, t in headings
        if i >= first_entry_line and (NUMBERED.match(t) or lvl <= entry_level)
    ]
    by_section = {}
    for n, (i, lvl, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        entry = _parse_entry(path, lines, i, end, lvl, title)
        if entry.key in {e.key for e in doc.entries}:
            raise SeedError(path, f"section {entry.key!r} appears twice", line=i + 1)
        if entry.section:
            parent_number = entry.section.rpartition(".")[0]
            if parent_number in by_section:
                entry.parent_key = parent_number
            by_section[entry.section] = entry
            parent = by_section.get(parent_number)
            if entry.kind != "question" and parent and FAQ_HEADING.search(parent.question):
                entry.kind = "question"
        elif n == len(starts) - 1:
            entry.kind = "closing"
        doc.entries.append(entry)

    last = doc.entries[-1]
    _split_outro(doc, last)
    last_line = last.example or last.answer or last.prompt
    if last_line and not COMPLETE_ENDING.search(last_line.splitlines()[-1].strip()):
        last.incomplete = True
    return doc


def _paragraphs(lines):
    paras, current = [], []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paras.append("\n".join(current).strip())
            current = []
    if current:
        paras.append("\n".join(current).strip())
    return paras


def _parse_entry(path, lines, start, end, level, title):
    m = NUMBERED.match(title)
    if m:
        section, dot, question = m[1], m[2], m[3].strip()
        entry = ParsedEntry(
            key=section, question=question, section=section, section_label=section + dot
        )
    else:
        entry = ParsedEntry(key=title, question=title)
    entry.heading_level = level
    entry.line = start + 1
    if len(entry.question) > 300:
        raise SeedError(path, "heading longer than 300 characters", line=start + 1)

    parts = {"preface": [], "prompt": [], "answer": [], "example": []}
    current = "preface"
    in_fence = False
    for line in lines[start + 1 : end]:
        if FENCE.match(line):
            in_fence = not in_fence
        marker = None if in_fence else MARKER_LINE.match(line.strip())
        if marker:
            current = MARKER_PART[marker[1]]
            if parts[current]:
                raise SeedError(path, f"{marker[1]} appears twice in one entry", line=start + 1)
            parts[current].append(marker[2])
            if current == "answer":
                entry.marked = True
            continue
        parts[current].append(line)
    if parts["preface"] and _blocks(parts["preface"]):
        if entry.marked or parts["prompt"]:
            raise SeedError(
                path, "text between the heading and **题目：**/**答案：**", line=start + 1
            )
        parts["answer"] = parts["preface"]
    entry.prompt = _blocks(parts["prompt"])
    entry.answer = _blocks(parts["answer"])
    entry.example = _blocks(parts["example"])
    looks_like_question = entry.question.endswith(("？", "?"))
    entry.kind = "question" if (entry.marked or entry.prompt or looks_like_question) else "section"
    return entry


def _split_outro(doc, last):
    """Move a closing paragraph ("通过以上分析，…") off the last entry onto the document."""
    field_name = "example" if last.example else "answer"
    paras = _paragraphs(getattr(last, field_name).splitlines())
    if len(paras) > 1 and OUTRO.match(paras[-1]):
        doc.outro = paras[-1]
        setattr(last, field_name, "\n\n".join(paras[:-1]))
