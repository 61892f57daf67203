"""The model's HTML fragments as lxml trees: read once, changed as a tree, written back as read.

A chapter's HTML, a note, a citation or an EPUB document's body is rewritten by later stages
(footnotes inlined, links pointed across files, page breaks marked, language spans added).
Rewriting a tree, not a string, means a rewrite sees elements, attributes and text, never a
`lang="` inside a code sample. Written back, everything no rewrite touched comes out byte for
byte as the source wrote it: the source of every start tag, end tag, comment and character
reference is kept beside the tree, because lxml's own parsers and serializer normalise them
(`&#x27;`, `<br />`, `epub:type`), and the PDF's identifier and the EPUB's files are made from
these bytes. What a rewrite changed is written with `html.escape`, as the renderer writes.

Python's `html.parser` tokenizes (it says where each token starts, so every token's source is
a slice of the input); lxml holds the tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from itertools import accumulate

from lxml import etree

Node = etree._Element
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
# lxml names a prefixed attribute by its namespace; these are the prefixes our HTML uses.
NAMESPACES = {"epub": "http://www.idpf.org/2007/ops", "xml": "http://www.w3.org/XML/1998/namespace"}
PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}
OTHER_PREFIX = "urn:imprint:prefix:"  # the namespace standing for any other prefix


@dataclass(frozen=True)
class Slot:
    """A run of text in the tree: an element's text (before its first child) or its tail (after
    its end tag, before the next sibling)."""

    element: Node
    tail: bool = False


@dataclass(frozen=True)
class Point:
    """A place in the text: before character `index` of a slot."""

    slot: Slot
    index: int


@dataclass(frozen=True)
class Spelling:
    """A text as written, piece by piece: (its characters, how the source wrote them), so a
    `&#39;` or `&amp;` is written back as it was read. Markup the tree does not hold (a doctype,
    a stray end tag) is a piece without characters."""

    pieces: tuple[tuple[str, str], ...]
    text: str = field(init=False, compare=False)
    source: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", "".join(text for text, _ in self.pieces))
        object.__setattr__(self, "source", "".join(source for _, source in self.pieces))

    @classmethod
    def escaped(cls, text: str) -> Spelling:
        """New text as we write it: `&`, `<` and `>` as references, the rest as it is."""
        if not any(char in text for char in "&<>"):
            return cls(((text, text),) if text else ())
        pieces: list[tuple[str, str]] = []
        start = 0
        for index, char in enumerate(text):
            if char in "&<>":
                pieces += [(text[start:index], text[start:index]), (char, escape(char))]
                start = index + 1
        pieces.append((text[start:], text[start:]))
        return cls(tuple(piece for piece in pieces if piece[0]))

    def split(self, index: int) -> tuple[Spelling, Spelling]:
        """The pieces before character `index` and from it on."""
        count = 0
        for number, (text, source) in enumerate(self.pieces):
            if count + len(text) > index:
                cut = index - count
                head, rest = self.pieces[:number], self.pieces[number + 1:]
                if cut == 0:
                    return Spelling(head), Spelling(self.pieces[number:])
                if text == source:  # plain characters: cut between two of them
                    return (Spelling((*head, (text[:cut], source[:cut]))),
                            Spelling(((text[cut:], source[cut:]), *rest)))
                # Inside a reference that stands for several characters: write both halves anew.
                return (Spelling((*head, *Spelling.escaped(text[:cut]).pieces)),
                        Spelling((*Spelling.escaped(text[cut:]).pieces, *rest)))
            count += len(text)
        return self, Spelling(())


@dataclass(frozen=True)
class _Source:
    """How the source wrote an element: its name and attributes as read, and its tags."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    start: str  # the start tag (a comment: the whole comment) verbatim
    end: str = ""  # the end tag verbatim; "" for a void, self-closed or implicitly closed one


@dataclass(frozen=True)
class _Token:
    kind: str  # start, empty (self-closed), end, text, ref, comment or other
    name: str  # the tag name; for text and comments, the data
    attrs: tuple[tuple[str, str | None], ...]
    source: str


class Fragment:
    """An HTML fragment as a tree under a `<fragment>` root, with its source spelling."""

    def __init__(self, html: str = "") -> None:
        self._sources: dict[Node, _Source] = {}
        self._spellings: dict[Slot, Spelling] = {}
        self.root = self.read(html)

    def read(self, html: str) -> Node:
        """`html` as a new `<fragment>` element, outside the tree: its children (and text) are
        for a rewrite to move into it, written back as read like the rest."""
        return _Builder(self).build(_tokens(html))

    def text(self, slot: Slot) -> str:
        return (slot.element.tail if slot.tail else slot.element.text) or ""

    def spelling(self, slot: Slot) -> Spelling:
        """The slot's text as the source wrote it, or as we write it once a rewrite changed it."""
        spelling, text = self._spellings.get(slot), self.text(slot)
        return spelling if spelling is not None and spelling.text == text else (
            Spelling.escaped(text))

    def put(self, slot: Slot, spelling: Spelling) -> None:
        """Set the slot's text, remembering how to write it when that differs from ours."""
        self.put_text(slot, spelling.text)
        if spelling.source != escape(spelling.text, quote=False):
            self._spellings[slot] = spelling

    def put_text(self, slot: Slot, text: str) -> None:
        """Set the slot's text, to be written as we write (with `html.escape`)."""
        if slot.tail:
            slot.element.tail = text or None
        else:
            slot.element.text = text or None
        self._spellings.pop(slot, None)

    def insert(self, point: Point, node: Node) -> None:
        """Put `node` at `point`: the slot keeps the text before it, `node`'s tail the rest."""
        before, after = self.spelling(point.slot).split(point.index)
        owner = point.slot.element
        if point.slot.tail:
            owner.addnext(node)
        else:
            owner.insert(0, node)
        self.put(point.slot, before)
        self.put(Slot(node, tail=True), after)

    def wrap(self, slot: Slot, start: int, end: int, node: Node) -> None:
        """Move characters `start` to `end` of the slot into `node`, which takes their place."""
        self.insert(Point(slot, start), node)
        inside, after = self.spelling(Slot(node, tail=True)).split(end - start)
        self.put(Slot(node), inside)
        self.put(Slot(node, tail=True), after)

    def replace(self, old: Node, new: Node) -> None:
        """`new` in the place of `old`, taking over the text after it."""
        tail = self.spelling(Slot(old, tail=True))
        parent = old.getparent()
        assert parent is not None, "the root cannot be replaced"
        parent.replace(old, new)
        self.put(Slot(new, tail=True), tail)

    def html(self) -> str:
        """The fragment written back: as read, but for what a rewrite changed."""
        out: list[str] = []
        self._content(self.root, out)
        return "".join(out)

    def element_html(self, node: Node) -> str:
        """One element written back, as `html` writes it within the whole."""
        out: list[str] = []
        self._node(node, out)
        return "".join(out)

    def _written(self, slot: Slot) -> str:
        spelling, text = self._spellings.get(slot), self.text(slot)
        return spelling.source if spelling is not None and spelling.text == text else (
            escape(text, quote=False))

    def _content(self, element: Node, out: list[str]) -> None:
        out.append(self._written(Slot(element)))
        for child in element:
            self._node(child, out)
            out.append(self._written(Slot(child, tail=True)))

    def _node(self, node: Node, out: list[str]) -> None:
        source = self._sources.get(node)
        if isinstance(node, etree._Comment):
            out.append(source.start if source else f"<!--{node.text}-->")
            return
        tag, attrs = str(node.tag), tuple(node.attrib.items())
        kept = source if source is not None and source.tag == tag else None  # not renamed
        if kept is not None and kept.attrs == attrs:
            out.append(kept.start)
        else:  # changed by a rewrite, or made by one: written as we write
            closed = source.start.endswith("/>") if source is not None else tag in VOID
            written = "".join(f' {_name(key)}="{escape(value)}"' for key, value in attrs)
            out.append(f"<{_name(tag)}{written}{' /' if closed else ''}>")
        self._content(node, out)
        out.append(kept.end if kept is not None else "" if tag in VOID else f"</{_name(tag)}>")


def slots(element: Node) -> Iterator[Slot]:
    """The text slots inside `element` in document order (a comment's own text is no text)."""
    yield Slot(element)
    for child in element:
        if not isinstance(child, etree._Comment):
            yield from slots(child)
        yield Slot(child, tail=True)


def before(node: Node) -> Slot:
    """The slot just before `node`'s start tag: its previous sibling's tail, or its parent's
    text."""
    previous = node.getprevious()
    if previous is not None:
        return Slot(previous, tail=True)
    parent = node.getparent()
    assert parent is not None, "the root has nothing before it"
    return Slot(parent)


def _key(name: str) -> str:
    """An HTML name as lxml holds it: `epub:type` -> `{http://www.idpf.org/2007/ops}type`."""
    prefix, colon, local = name.partition(":")
    if not colon:
        return name
    return f"{{{NAMESPACES.get(prefix, OTHER_PREFIX + prefix)}}}{local}"


def _name(key: str) -> str:
    if not key.startswith("{"):
        return key
    uri, _, local = key[1:].partition("}")
    return f"{PREFIXES.get(uri, uri.removeprefix(OTHER_PREFIX))}:{local}"


class _Tokenizer(HTMLParser):
    """html.parser's events, each with the slice of the input it was read from."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self.lines = list(accumulate((len(line) + 1 for line in html.split("\n")), initial=0))
        self.events: list[tuple[int, str, str, list[tuple[str, str | None]]]] = []

    def tokens(self) -> list[_Token]:
        self.feed(self.html)
        self.close()
        ends = [start for start, *_ in self.events[1:]] + [len(self.html)]
        return [_Token(kind, name, tuple(attrs), self.html[start:end])
                for (start, kind, name, attrs), end in zip(self.events, ends, strict=True)]

    def _add(self, kind: str, name: str, attrs: list[tuple[str, str | None]] | None = None) -> None:
        line, column = self.getpos()
        self.events.append((self.lines[line - 1] + column, kind, name, attrs or []))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("empty", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("text", data)

    def handle_entityref(self, name: str) -> None:
        self._add("ref", name)

    def handle_charref(self, name: str) -> None:
        self._add("ref", name)

    def handle_comment(self, data: str) -> None:
        self._add("comment", data)

    def handle_decl(self, decl: str) -> None:
        self._add("other", decl)

    def handle_pi(self, data: str) -> None:
        self._add("other", data)

    def unknown_decl(self, data: str) -> None:
        self._add("other", data)


def _tokens(html: str) -> list[_Token]:
    return _Tokenizer(html).tokens() if html else []


class _Builder:
    """Tokens -> elements, nesting as the end tags say (an end tag closes what it must)."""

    def __init__(self, fragment: Fragment) -> None:
        self.fragment = fragment
        self.root = etree.Element("fragment")
        self.open = [self.root]
        self.slot = Slot(self.root)
        self.pieces: list[tuple[str, str]] = []

    def build(self, tokens: list[_Token]) -> Node:
        for token in tokens:
            if token.kind == "text":
                self.pieces.append((token.source, token.source))
            elif token.kind == "ref":
                self.pieces.append((unescape(token.source), token.source))
            elif token.kind in ("start", "empty"):
                self._start(token)
            elif token.kind == "end":
                self._end(token)
            elif token.kind == "comment":
                self._comment(token)
            else:
                self.pieces.append(("", token.source))
        self._flush(Slot(self.root))
        return self.root

    def _flush(self, following: Slot) -> None:
        """Give the text read so far to the current slot; later text goes to `following`."""
        if len(self.pieces) == 1 and self.pieces[0][0] == self.pieces[0][1]:
            self.fragment.put_text(self.slot, self.pieces[0][0])  # the common case, made quick
        elif self.pieces:
            self.fragment.put(self.slot, Spelling(tuple(self.pieces)))
        self.pieces = []
        self.slot = following

    def _start(self, token: _Token) -> None:
        try:
            element = etree.Element(_key(token.name))
        except ValueError:  # a name XML cannot hold: kept as written, outside the tree
            self.pieces.append(("", token.source))
            return
        for name, value in token.attrs:
            with suppress(ValueError):  # such a name is still written as read (unless rebuilt)
                element.set(_key(name), value or "")
        self._flush(Slot(element, tail=True))
        self.open[-1].append(element)
        self.fragment._sources[element] = _Source(
            str(element.tag), tuple(element.attrib.items()), token.source)
        if token.kind == "start" and token.name not in VOID:
            self.open.append(element)
            self.slot = Slot(element)

    def _end(self, token: _Token) -> None:
        key = _key(token.name)
        depth = next((i for i in range(len(self.open) - 1, 0, -1) if self.open[i].tag == key), 0)
        if not depth:  # nothing open by that name: kept as written
            self.pieces.append(("", token.source))
            return
        element = self.open[depth]
        del self.open[depth:]
        self._flush(Slot(element, tail=True))
        read = self.fragment._sources[element]
        self.fragment._sources[element] = _Source(read.tag, read.attrs, read.start, token.source)

    def _comment(self, token: _Token) -> None:
        text = token.name if "--" not in token.name and not token.name.endswith("-") else ""
        comment = etree.Comment(text)
        self._flush(Slot(comment, tail=True))
        self.open[-1].append(comment)
        self.fragment._sources[comment] = _Source("", (), token.source)
