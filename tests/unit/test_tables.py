"""Tables as Pandoc reads them: simple, multiline, grid and pipe tables, their alignments,
relative widths, captions and fit. Expected values are pandoc 3.9's (its JSON and HTML for the
same input); tests/differential/cases/tables.md compares whole documents with Pandoc."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from markdown_it.token import Token
from tests.helpers import render_one

from imprint.book.model import ChapterSpec, Loc
from imprint.markdown.grid_tables import grid_table
from imprint.markdown.parse import parse_chapter
from imprint.markdown.parser import parser
from imprint.markdown.table_fit import fit
from imprint.markdown.table_text import Table, split_columns, widths_from_indices
from imprint.markdown.tables import read_table
from imprint.preprocess.numbering import number_publication
from imprint.preprocess.render import render_chapters


def lines(text: str) -> list[str]:
    return textwrap.dedent(text).strip("\n").split("\n")


def texts(rows: tuple[tuple[object, ...], ...]) -> list[list[str]]:
    return [[cell.text for cell in row] for row in rows]  # type: ignore[attr-defined]


def table_of(text: str) -> Table:
    found = read_table(lines(text))
    assert found is not None
    return found


def tokens_of(text: str) -> list[Token]:
    """The tokens of `text` after an opening paragraph (which they do not include): at the top
    of a chapter, dashes would open front matter."""
    return parser().parse("Intro.\n\n" + textwrap.dedent(text), {"path": "t.md"})[3:]


def kinds(tokens: list[Token]) -> list[str]:
    """The opening (and single) tokens of the top-level blocks."""
    return [t.type for t in tokens if t.level == 0 and t.nesting >= 0]


def render(tmp_path: Path, text: str) -> str:
    """A chapter through the real parse, number and render stages."""
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / "t.md").write_text("# T\n\n" + textwrap.dedent(text), "utf-8")
    spec = ChapterSpec("chapters/t.md", "body", Loc("publication.yaml", 1))
    parsed = [parse_chapter(tmp_path, spec)]
    numbering = number_publication(tmp_path, parsed, note_style=True)
    assert not [*parsed[0].problems, *numbering.problems]
    return render_chapters(parsed, numbering, None)[0].html


# --- simple tables -----------------------------------------------------------------------------

SIMPLE = """\
      Right     Left     Center     Default
    -------     ------ ----------   -------
         12     12        12            12
        123     123       123          123
"""


def test_simple_table_alignments_come_from_the_header_against_its_dashes() -> None:
    table = table_of(SIMPLE)
    assert table.aligns == ("right", "left", "center", "")
    assert table.widths == (0.0, 0.0, 0.0, 0.0)  # a simple table has no widths
    assert texts(table.head) == [["Right", "Left", "Center", "Default"]]
    assert texts(table.body) == [["12", "12", "12", "12"], ["123", "123", "123", "123"]]
    assert table.lines == 4


def test_simple_table_ends_at_a_blank_line_or_closing_dashes() -> None:
    assert table_of("A   B\n--- ---\n1   2\n\nAfter.").lines == 3
    assert table_of("A   B\n--- ---\n1   2\n--- ---\nAfter.").lines == 4


def test_a_caption_line_right_below_a_simple_table_is_a_row_as_in_pandoc() -> None:
    table = table_of("  A   B\n  --- ---\n  1   2\n: Caption\n")
    assert texts(table.body) == [["1", "2"], ["Capt", "ion"]]


def test_headless_simple_table_takes_alignments_from_its_first_row() -> None:
    table = table_of("----  -----\n2019  3.4\n2020  3.8\n----  -----\n")
    assert table.head == ()
    assert table.aligns == ("", "left")
    assert texts(table.body) == [["2019", "3.4"], ["2020", "3.8"]]


def test_headless_simple_table_needs_its_closing_dashes() -> None:
    assert read_table(lines("----  -----\n2019  3.4\n\nText.")) is None


def test_a_header_and_dashes_without_rows_is_no_table() -> None:
    assert read_table(lines("Year    Exports\n----    -------\n\nAfter.")) is None


def test_text_across_a_column_edge_is_cut_there_as_pandoc_cuts_it() -> None:
    # A column runs from its dashes to the next column's: "----- " is six characters.
    table = table_of("A     B\n----- -----\nlongerword x\n")
    assert texts(table.body) == [["longer", "word x"]]


def test_columns_count_an_east_asian_wide_character_as_two() -> None:
    # A wide character across an edge stays whole and pushes the next edges along.
    assert split_columns("中文ab|cd", [2, 5]) == ["中", "文a", "b|cd"]
    table = table_of("国家  年份\n----  ----\n中国  2019\n")
    assert texts(table.body) == [["中国", "2019"]]


# --- multiline tables --------------------------------------------------------------------------

MULTILINE = """\
-------------------------------------------------------------
 Centered   Default           Right Left
  Header    Aligned         Aligned Aligned
----------- ------- --------------- -------------------------
   First    row                12.0 Example of a row that
                                    spans multiple lines.

  Second    row                 5.0 Here's another one. Note
                                    the blank line between
                                    rows.
-------------------------------------------------------------
"""


def test_multiline_table_widths_and_alignments_are_pandocs() -> None:
    table = table_of(MULTILINE)
    assert table.aligns == ("center", "", "right", "left")
    # pandoc 3.9: ColWidth 0.1667, 0.1111, 0.2222, 0.3611 (of a 72-character line)
    assert [round(w, 4) for w in table.widths] == [0.1667, 0.1111, 0.2222, 0.3611]
    assert texts(table.head) == [["Centered\nHeader", "Default\nAligned", "Right\nAligned",
                                  "Left\nAligned"]]
    assert texts(table.body)[1][3] == "Here's another one. Note\nthe blank line between\nrows."
    assert table.lines == 11


@pytest.mark.parametrize(("indices", "expected"), [
    ([0, 11, 21], (11, 11)),  # `---------- ----------`: the last column counted one wider...
    ([0, 11, 24], (11, 14)),  # ...with the spaces after its dashes
    ([0, 12, 22], (12, 12)),  # ...and as wide as the one before when one or two short
    ([0, 6, 11, 13], (6, 5, 5)),  # `----- ---- --`
    ([3, 4], (3,)),  # indented three spaces, one dash: the indentation counts as a column
])
def test_widths_from_dash_runs_are_pandocs(indices: list[int], expected: tuple[int, ...]) -> None:
    # Checked against pandoc 3.9's ColWidth for the same dash lines (in 72nds of a line).
    assert widths_from_indices(indices) == tuple(n / 72 for n in expected)


def test_multiline_table_wider_than_a_line_takes_widths_of_itself() -> None:
    table = table_of("-" * 93 + "\nA  B\n" + "-" * 46 + " " + "-" * 46 + "\nx  y\n" + "-" * 93)
    assert sum(table.widths) == pytest.approx(1.0)


def test_headless_multiline_table() -> None:
    table = table_of("----------- -------\n   First    row\n            two\n\n"
                     "  Second    row\n----------- -------\n")
    assert table.head == ()
    assert table.aligns == ("center", "left")
    assert texts(table.body) == [["First", "row\ntwo"], ["Second", "row"]]


def test_a_multiline_table_keeps_the_words_after_an_empty_line_in_a_cell() -> None:
    # Pandoc drops "third" (allowlisted in tests/differential): imprint keeps every word.
    table = table_of("-----------------\nA       B\n------- ---------\nfirst   one\n"
                     "        two\nthird   three\n-----------------\n")
    assert texts(table.body) == [["first\n\nthird", "one\ntwo\nthree"]]


def test_multiline_table_without_closing_dashes_is_read_as_pandoc_reads_it() -> None:
    # Not a multiline table; the first three lines make a headless simple table.
    table = table_of("-----\nA  B\n-- --\nx  y\n\nText.")
    assert (texts(table.body), table.lines) == ([["A  B"]], 3)
    assert read_table(lines("-----\nA  B\n\nText.")) is None


# --- grid tables -------------------------------------------------------------------------------

GRID = """\
+---------------+---------------+--------------------+
| Right         | Left          | Centered           |
+==============:+:==============+:==================:+
| Bananas       | $1.34         | built-in wrapper   |
+---------------+---------------+--------------------+
"""


def test_grid_table_alignments_and_widths() -> None:
    table = table_of(GRID)
    assert table.aligns == ("right", "left", "center")
    # pandoc 3.9's HTML: <col style="width: 22%"/> ×2 and 29%, <table style="width:74%;">
    assert [int(w * 100) for w in table.widths] == [22, 22, 29]
    assert round(sum(table.widths) * 100) == 74
    assert texts(table.head) == [["Right\n", "Left\n", "Centered\n"]]
    assert texts(table.body) == [["Bananas\n", "$1.34\n", "built-in wrapper\n"]]
    assert table.blocks


def test_grid_table_footer_between_two_equals_lines() -> None:
    table = table_of("""\
        +--------+-----+
        | A      | B   |
        +========+=====+
        | 1      | 2   |
        +========+=====+
        | Total  | 3   |
        +========+=====+
    """)
    assert (len(table.head), len(table.body), len(table.foot)) == (1, 1, 1)
    assert texts(table.foot) == [["Total\n", "3\n"]]


def test_grid_table_cells_span_rows_and_columns() -> None:
    table = table_of("""\
        +-----+-----+-----+
        | spans two | z   |
        | columns   |     |
        +-----+-----+-----+
        | a   | b   | c   |
        +     +-----+-----+
        |     | d   | e   |
        +-----+-----+-----+
    """)
    spans = [[(c.text.strip(), c.rowspan, c.colspan, c.column) for c in row]
             for row in table.body]
    assert spans == [[("spans two\ncolumns", 1, 2, 0), ("z", 1, 1, 2)],
                     [("a", 2, 1, 0), ("b", 1, 1, 1), ("c", 1, 1, 2)],
                     [("d", 1, 1, 1), ("e", 1, 1, 2)]]


def test_grid_table_header_of_empty_cells_is_dropped() -> None:
    table = table_of("+---+---+\n|   |   |\n+===+===+\n| 1 | 2 |\n+---+---+\n")
    assert table.head == ()
    assert texts(table.body) == [["1\n", "2\n"]]


def test_grid_cell_text_loses_one_leading_space_only() -> None:
    table = table_of("+----------+\n| - one    |\n|   - two  |\n+----------+\n")
    assert texts(table.body) == [["- one\n  - two\n"]]


@pytest.mark.parametrize("source", [
    "+---+---+\n| a | b |\n| c | d |\n",  # no bottom border
    "+---+---+\n| a | b |\nx---+---+\n",  # the bottom border broken
    "+---+\n",  # no rows
    "+===+\n| a |\n+---+\n",  # the first line is no border
])
def test_malformed_grid_table_is_no_table(source: str) -> None:
    assert grid_table(lines(source)) is None
    assert "table_open" not in kinds(tokens_of(source))


def test_an_indented_grid_table_is_prose_as_in_pandoc() -> None:
    assert "table_open" not in kinds(tokens_of("Text.\n\n  +---+\n  | a |\n  +---+\n"))


def test_a_grid_row_missing_a_border_is_one_spanning_cell_as_in_pandoc() -> None:
    table = table_of("+---+---+\n| a   b |\n+-------+\n")
    assert [[(c.text, c.colspan) for c in row] for row in table.body] == [[("a   b\n", 2)]]


def test_grid_cells_hold_blocks_and_a_lone_paragraph_prints_without_p() -> None:
    tokens = tokens_of("""\
        +-----------------+-----------------+
        | One paragraph.  | 1. one          |
        |                 | 2. two          |
        +-----------------+-----------------+
    """)
    cells = "".join(t.type[0] if t.type == "ordered_list_open" else "" for t in tokens)
    assert cells == "o"
    paragraph = next(t for t in tokens if t.type == "paragraph_open")
    assert paragraph.hidden  # Pandoc's Plain
    item = next(t for t in tokens if t.type == "list_item_open")
    assert item.level == next(t for t in tokens if t.type == "td_open").level + 2
    assert item.map == [3, 4]  # the document's line (after "Intro."), not the cell's


def test_a_grid_table_nests_in_a_grid_cell() -> None:
    tokens = tokens_of("""\
        +-----------------+
        | +-----+-----+   |
        | | a   | b   |   |
        | +-----+-----+   |
        +-----------------+
    """)
    assert [t.type for t in tokens].count("table_open") == 2


# --- pipe tables -------------------------------------------------------------------------------


def test_pipe_table_wider_than_a_line_gets_widths_from_its_separator() -> None:
    row = "x" * 69
    tokens = tokens_of(f"| A | B |\n|---|:-----:|\n|{row}|y|\n")
    opening = next(t for t in tokens if t.type == "table_open")
    assert opening.meta["widths"] == (0.3, 0.7)  # 3 and 7 (colons count)
    cols = [t.attrGet("style") for t in tokens if t.type == "col"]
    assert cols == ["width: 30%", "width: 70%"]


def test_pipe_table_within_a_line_has_no_widths() -> None:
    tokens = tokens_of(f"| A | B |\n|---|:-----:|\n|{'x' * 68}|y|\n")
    assert "widths" not in next(t for t in tokens if t.type == "table_open").meta
    assert "col" not in [t.type for t in tokens]


# --- where a table starts, and where it does not ---------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("Year\n----\n2019\n", ["heading_open", "paragraph_open"]),  # a setext heading
    ("- a   b\n  --- ---\n", ["bullet_list_open"]),
    ("-----\n\nMore.\n", ["hr", "paragraph_open"]),
    ("-----\nBetween rules.\n-----\n", ["table_open"]),  # a headless simple table
])
def test_what_pandoc_reads_first(source: str, expected: list[str]) -> None:
    assert kinds(tokens_of(source)) == expected


@pytest.mark.parametrize("table", ["A     B\n----- -----\n1     2\n",
                                   "| A | B |\n|---|---|\n| 1 | 2 |\n"])
def test_a_table_does_not_interrupt_a_paragraph(table: str) -> None:
    # (The dashes of the simple table still end the paragraph as a rule: see the BUG entry
    # tables/simple-table-without-rows-is-prose in tests/differential/allowlist.yaml.)
    assert "table_open" not in kinds(tokens_of("Text right above\n" + table))


def test_tables_in_a_list_item_and_a_block_quote() -> None:
    listed = tokens_of("1.  Item:\n\n    Year    Exports\n    ----    -------\n    2019    3.4\n")
    quoted = tokens_of("> Year    Exports\n> ----    -------\n> 2019    3.4\n")
    for tokens in (listed, quoted):
        cells = [t.content for t in tokens if t.type == "inline"]
        assert cells[-4:] == ["Year", "Exports", "2019", "3.4"]


def test_a_yaml_block_is_no_table() -> None:
    assert "table_open" not in kinds(tokens_of("Text.\n\n---\nkey: value\n---\n"))


# --- captions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "  A   B\n  --- ---\n  1   2\n\nTable: The caption. {#tbl:x}\n",
    "  A   B\n  --- ---\n  1   2\n\ntable: The caption. {#tbl:x}\n",
    ": The caption. {#tbl:x}\n\n  A   B\n  --- ---\n  1   2\n",
    "+---+---+\n| A | B |\n+===+===+\n| 1 | 2 |\n+---+---+\n: The caption. {#tbl:x}\n",
    "-------\nA    B\n-- ---\n1    2\n-------\n: The caption. {#tbl:x}\n",
])
def test_captions_before_or_after_every_kind_of_table(source: str) -> None:
    tokens = tokens_of(source)
    opening = tokens.index(next(t for t in tokens if t.type == "table_open"))
    assert tokens[opening + 1].type == "table_caption_open"
    assert tokens[opening + 2].children[0].content == "The caption."  # type: ignore[index]
    assert tokens[opening].meta["attrs"] == {"id": "tbl:x"}
    assert kinds(tokens) == ["table_open"]


def test_caption_goes_before_the_colgroup() -> None:
    tokens = tokens_of(MULTILINE + "\n: Caption.\n")
    order = [t.type for t in tokens if t.level == 1 and t.nesting != 0]
    assert order[:4] == ["table_caption_open", "table_caption_close", "colgroup_open",
                         "colgroup_close"]


def test_a_definition_list_does_not_take_a_caption_before_a_grid_table() -> None:
    found = kinds(tokens_of("Term\n\n: Caption.\n\n" + GRID))
    assert "dl_open" not in found and "table_open" in found


# --- through the pipeline: frozen, numbered, rendered --------------------------------------------


def test_a_captioned_table_is_numbered_and_rendered_with_widths(tmp_path: Path) -> None:
    html = render(tmp_path, "See @tbl:m.\n\n" + MULTILINE + "\nTable: Multi. {#tbl:m}\n")
    assert '<a class="xref" href="#tbl-m">Table 1</a>' in html
    assert ('<div class="table-wrap" role="region" tabindex="0" aria-label="Table 1">\n'
            '<table id="tbl-m" style="width: 86%">') in html
    assert "<colgroup>\n<col style=\"width: 16%\" />\n<col style=\"width: 11%\" />" in html
    assert '<th style="text-align:center">Centered\nHeader</th>' in html
    assert html.rstrip().endswith("</table>\n</div>")


def test_an_unnumbered_table_is_named_by_its_first_row(tmp_path: Path) -> None:
    html = render(tmp_path, "  Year   Exports\n  ----   -------\n  2019   3.4\n")
    assert 'aria-label="Year, Exports"' in html


def test_grid_spans_render_as_colspan_and_rowspan(tmp_path: Path) -> None:
    html = render(tmp_path, "+-----+-----+\n| both      |\n+-----+-----+\n| a   | b   |\n"
                            "+-----+-----+\n")
    assert '<td colspan="2">both</td>' in html


def test_a_table_too_wide_for_the_page_is_classed(tmp_path: Path) -> None:
    heads = ["Kaliningrad", "Transnistria", "Abkhazia", "Crimea", "Donetsk", "Luhansk",
             "Belarus", "Armenia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan"]
    pipe = "| " + " | ".join(heads) + " |\n|" + "---|" * len(heads) + "\n| " + \
        " | ".join("1" for _ in heads) + " |\n"
    html = render(tmp_path, pipe)
    assert '<div class="table-wrap landscape" role="region"' in html
    assert '<table class="wide">' in html


def test_fit_estimates_from_the_longest_words() -> None:
    assert fit([4, 7, 5]) == ""
    assert fit([12] * 7) == "wide"  # 7 columns of 12-character words: smaller type
    assert fit([12] * 12) == "wide landscape"
    assert fit([24] * 12) == "wide landscape overfull"


def test_a_definition_in_a_list_item_after_a_code_block_is_no_table(tmp_path: Path) -> None:
    """Found by the fuzzer: the line after a list item's blank line, indented less than the
    item, left the table rule no line to read (IndexError, an internal error)."""
    body = "- ```python\n  policy\n  ```\n- policy \r\n  \n  : policy\n\n- level\n"
    chapter, problems = render_one(tmp_path, "chapters/01.md", body)
    assert chapter is not None and not problems
    assert "<table" not in chapter.html and "level" in chapter.html
