"""Where note calls go in a line of text, by the rules `pandoc --citeproc` follows.

In a note style a citation becomes a note call: the space before a bare call goes (`claim
[@a].` -> "claim.¹"), the punctuation after it moves before the call, and with an American
locale a full stop or comma moves inside a closing quotation mark ("“axis.”¹"). imprint adds one
rule of its own: calls with nothing but space between them get a separator ("¹,²"), with the
punctuation after the whole group moved before its first call.

    plan = plan_calls(children, is_call, is_bare, punctuation_in_quote=True)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

CLOSING_QUOTES = "\u201d\u2019\u00bb"
INTO_QUOTES = ".,"
SENTENCE_PUNCTUATION = ".,;:!?"


@dataclass
class CallPlan:
    """What the renderer changes around the calls of one inline run, by token index."""

    drop: set[int] = field(default_factory=set)  # blank text or soft breaks printed as ""
    rstrip: set[int] = field(default_factory=set)  # text whose trailing spaces go
    skip: dict[int, int] = field(default_factory=dict)  # text: leading characters moved away
    moved: dict[int, str] = field(default_factory=dict)  # citation: punctuation before its call
    into_quote: dict[int, str] = field(default_factory=dict)  # text: put inside its end quote
    separated: set[int] = field(default_factory=set)  # calls printed after a separator


def plan_calls(tokens: Sequence[Token], is_call: Callable[[Token], bool],
               is_bare: Callable[[Token], bool], *, punctuation_in_quote: bool) -> CallPlan:
    """`is_call`: prints a note call; `is_bare`: prints nothing but the call."""
    plan = CallPlan()
    for index, token in enumerate(tokens):
        if not is_call(token):
            continue
        before = _previous(tokens, index, plan)
        after_call = before is not None and is_call(tokens[before])
        if before is not None and after_call and is_bare(token):
            plan.separated.add(index)
            plan.drop.update(range(before + 1, index))
        elif is_bare(token) and token.type == "citation":
            _strip_space_before(tokens, index, plan)
        if token.type == "citation" and not after_call:
            _move_punctuation(tokens, index, is_bare, plan, punctuation_in_quote)
    return plan


def is_blank(token: Token) -> bool:
    return token.type == "softbreak" or (token.type == "text" and not token.content.strip())


def _previous(tokens: Sequence[Token], index: int, plan: CallPlan) -> int | None:
    """Index of the token before `index`, skipping white space only, and text whose every
    character moved before an earlier call (`[@a].[^1]`: the calls then stand side by side)."""
    at = index - 1
    while at >= 0 and (is_blank(tokens[at]) or _moved_away(tokens[at], at, plan)):
        at -= 1
    return at if at >= 0 else None


def _moved_away(token: Token, index: int, plan: CallPlan) -> bool:
    return token.type == "text" and not token.content[plan.skip.get(index, 0):]


def _strip_space_before(tokens: Sequence[Token], index: int, plan: CallPlan) -> None:
    at = index - 1
    while at >= 0 and tokens[at].type == "softbreak":
        plan.drop.add(at)
        at -= 1
    if at >= 0 and tokens[at].type == "text":
        plan.rstrip.add(at)


def _move_punctuation(tokens: Sequence[Token], index: int, is_bare: Callable[[Token], bool],
                      plan: CallPlan, into_quotes: bool) -> None:
    """Pandoc's `mvPunct`: after a bare call with a space before it, every punctuation mark that
    follows moves before the call (a full stop or comma into a closing quote, in an American
    locale); after any other call, only a run that starts with `.,;:!?`. We take the
    punctuation after the whole group of adjacent calls, so "agree [@a] [@b]." is "agree.¹,²"."""
    after = _end_of_group(tokens, index, is_bare)
    if after >= len(tokens) or tokens[after].type != "text":
        return
    text = tokens[after].content
    spaced = is_bare(tokens[index]) and _space_before(tokens, index)
    if not text or not (spaced or text[0] in SENTENCE_PUNCTUATION):
        return
    count = next((i for i, char in enumerate(text) if not _moves(char)), len(text))
    if not count:
        return
    moved = text[:count]
    plan.skip[after] = count
    quoted = _quoted_text_before(tokens, index) if into_quotes and spaced else None
    if quoted is not None and moved[0] in INTO_QUOTES:
        plan.into_quote[quoted] = moved[0]
        moved = moved[1:]
    plan.moved[index] = moved


def _space_before(tokens: Sequence[Token], index: int) -> bool:
    if index == 0:
        return False
    before = tokens[index - 1]
    return before.type == "softbreak" or (before.type == "text" and before.content[-1:].isspace())


def _end_of_group(tokens: Sequence[Token], index: int, is_bare: Callable[[Token], bool]) -> int:
    """The index after the last bare call that follows `index` through white space."""
    at = end = index + 1
    while at < len(tokens):
        if is_bare(tokens[at]):
            end = at = at + 1
        elif is_blank(tokens[at]):
            at += 1
        else:
            break
    return end


def _quoted_text_before(tokens: Sequence[Token], index: int) -> int | None:
    """The text token right before the call (through white space) if it ends in a closing
    quotation mark."""
    at = index - 1
    while at >= 0 and tokens[at].type == "softbreak":
        at -= 1
    if at >= 0 and tokens[at].type == "text" and tokens[at].content.rstrip().endswith(
            tuple(CLOSING_QUOTES)):
        return at
    return None


def _moves(char: str) -> bool:
    """Pandoc's `isPunct`: Unicode punctuation but the en and em dash. A closing quotation mark
    is structure in Pandoc's document (the end of a Quoted), never moved, so it stops the run."""
    return (unicodedata.category(char).startswith("P") and char not in "\u2013\u2014"
            and char not in CLOSING_QUOTES)


def close_quote(text: str, punctuation: str) -> str:
    """`“an axis of convenience” ` + "." -> `“an axis of convenience.”` (trailing space goes)."""
    stripped = text.rstrip()
    return stripped[:-1] + punctuation + stripped[-1]
