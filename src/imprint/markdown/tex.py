"""TeX math -> MathML, checked, so that a formula prints as written or the build says why not.

The converter is ziamath's `tex2mml`: latex2mathml with ziamath's own fixes for what ziamath
draws (`aligned`, `\\binom`, stretchy arrows). The EPUB and the preview show this MathML, and
the PDF draws this same MathML with ziamath (`editions/pdf/math_svg.py`), so every edition has
one formula. latex2mathml is lenient where an author needs to be told: an unknown command
becomes `<mi>\\foo</mi>`, a brace never closed is ignored, `\\newcommand` vanishes, and the
text of `\\text{…}` is copied into the XML unescaped. Each of those is refused here with its
reason (the caller adds the file and line).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from lxml import etree

MATHML = "http://www.w3.org/1998/Math/MathML"
# MathML 3's presentation elements and its semantics wrapper: anything else in the converter's
# output is not MathML (and would make the EPUB invalid).
ELEMENTS = frozenset({
    "math", "maction", "maligngroup", "malignmark", "menclose", "merror", "mfenced", "mfrac",
    "mglyph", "mi", "mlabeledtr", "mlongdiv", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mscarries", "mscarry", "msgroup",
    "msline", "mspace", "msqrt", "msrow", "mstack", "mstyle", "msub", "msubsup", "msup",
    "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics", "annotation",
    "annotation-xml"})
# Commands whose argument latex2mathml copies as text, without escaping it for XML.
_TEXT_ARGUMENT = re.compile(
    r"\\(?:text|textrm|textbf|textit|textsf|texttt|textup|textnormal|emph|mbox|hbox)\s*\{")
_TEXT_ESCAPE = re.compile(r"\\([&%$#_{}])")
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")
_NUMBERING = re.compile(r"\\(label|tag)\b")
_NUMBERED_ENV = re.compile(
    r"\\begin\s*\{(equation|align|gather|multline|eqnarray|flalign|alignat)\}")
_MACRO = re.compile(r"\\(newcommand|renewcommand|providecommand|def|DeclareMathOperator)\b")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# How many arguments each element takes: latex2mathml writes `\frac(` as an <mfrac> of one.
ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3,
         "munderover": 3}


# What XML 1.0 cannot hold: no MathML (nor its alttext) can carry it.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class TexError(ValueError):
    """TeX that cannot be converted; the message is the reason, for the author."""


@lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """The `<math>` element for `tex`, with `alttext` (the TeX as written) and `display`."""
    # A control character fails the chapter's own check (one located error); here it must
    # only not reach lxml, which refuses it with an exception.
    source = XML_UNSAFE.sub("", tex).strip()
    if not source:
        raise TexError("the formula is empty")
    _check_source(source)
    with warnings.catch_warnings():  # ziamath loads its font with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        from ziamath.tex import tex2mml  # on first use only: it loads the math font
    try:
        converted = tex2mml(_escape_text_arguments(source), inline=not display)
    except Exception as error:  # the converter's own errors, and its crashes on odd input
        raise TexError(_reason(error)) from error
    root = _parse(converted)
    _check_tree(root)
    root.set("display", "block" if display else "inline")
    root.set("alttext", source)
    return etree.tostring(root, encoding="unicode")


def _check_source(source: str) -> None:
    """What TeX would refuse, or what the converter would lose without a word."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", source, re.DOTALL):
        token = match.group()
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            raise TexError("unbalanced braces: a '}' closes nothing")
    if depth:
        raise TexError("unbalanced braces: a '{' is never closed")
    if number := _NUMBERING.search(source):
        raise TexError(f"\\{number.group(1)} is not supported: number an equation with "
                       "{#eq:label} after its closing $$")
    if env := _NUMBERED_ENV.search(source):
        raise TexError(f"the numbered environment '{env.group(1)}' is not supported: write "
                       f"'{env.group(1)}*' or 'aligned', and number with {{#eq:label}}")
    if macro := _MACRO.search(source):
        raise TexError(f"macro definitions (\\{macro.group(1)}) are not supported")


def _escape_text_arguments(source: str) -> str:
    """`\\text{R\\&D <1>}` -> `\\text{R&amp;D &lt;1&gt;}`: latex2mathml copies a text argument
    into the XML as it is, so its TeX escapes are undone and its XML specials escaped first."""
    out, at = [], 0
    for match in _TEXT_ARGUMENT.finditer(source):
        if match.start() < at:
            continue  # inside a text argument already rewritten
        end = _closing_brace(source, match.end())
        inner = _TEXT_ESCAPE.sub(r"\1", source[match.end():end])
        inner = inner.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out += [source[at:match.end()], inner]
        at = end
    return "".join(out) + source[at:]


def _closing_brace(source: str, start: int) -> int:
    """Index of the `}` closing the group opened just before `start` (braces are balanced)."""
    depth = 1
    for match in re.compile(r"\\.|[{}]", re.DOTALL).finditer(source, start):
        depth += {"{": 1, "}": -1}.get(match.group(), 0)
        if depth == 0:
            return match.start()
    return len(source)


def _reason(error: Exception) -> str:
    """latex2mathml's errors carry no message, only a name: `MissingEndError` -> 'missing
    end'."""
    name = type(error).__name__
    if type(error).__module__.startswith("latex2mathml"):
        words = _CAMEL.sub(" ", name.removesuffix("Error")).lower()
        if words == "no available tokens":
            return "it ends where an argument was expected"
        return words.replace("super script", "superscript")
    return f"the converter cannot read it ({name})"


def _parse(converted: str) -> etree._Element:
    try:
        return etree.fromstring(converted, etree.XMLParser(resolve_entities=False,
                                                           no_network=True))
    except etree.XMLSyntaxError as error:
        raise TexError(f"the converter made no valid MathML of it ({error.msg}); a bare '&' "
                       "belongs only in an aligned or matrix environment") from error


def _check_tree(root: etree._Element) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        if name.namespace != MATHML or name.localname not in ELEMENTS:
            raise TexError(f"the converter made <{name.localname}>, which is not MathML")
        wanted = ARITY.get(name.localname)
        if wanted is not None and len(element) != wanted:
            raise TexError(f"a command is missing an argument (<{name.localname}> of "
                           f"{len(element)} where it needs {wanted}); put each in braces")
        command = _COMMAND.search(element.text or "")
        if command:
            raise TexError(f"unknown command '{command.group()}'")
