"""The README and docs/ hold together: the README stays short (at most 150 lines) and links to
every docs page, and every relative link or image in README.md and docs/**/*.md resolves to a file
that exists (relative to the file holding the link), with any `#anchor` into a markdown file naming
one of its headings (GitHub's slugs). Links inside code blocks and inline code are not links."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
DOCS = REPO / "docs"
MAX_README_LINES = 150

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`+[^`]*`+")
# [text](target) and ![alt](target), with an optional "title" after the target
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
EXTERNAL = ("http://", "https://", "mailto:")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def prose_lines(path: Path) -> list[str]:
    """The file's lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def links(path: Path) -> list[str]:
    """Every link target in the file's prose, inline code left out."""
    return [m.group(1) for line in prose_lines(path) for m in LINK.finditer(INLINE_CODE.sub("", line))]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markdown links reduced to their text, lowercase, punctuation
    dropped except `-` and `_`, spaces turned into `-`."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of the file's headings; a repeated heading gets `-1`, `-2`, … as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(path):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_readme_is_at_most_150_lines():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines; move detail into docs/"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(path):
    broken = []
    for target in links(path):
        if target.startswith(EXTERNAL):
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no file {linked}")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading #{fragment} in {linked.relative_to(REPO)}")
    assert not broken, f"{path.relative_to(REPO)}: " + "; ".join(broken)


def test_readme_links_to_every_docs_page():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in links(README) if not t.startswith(EXTERNAL)}
    pages = sorted(DOCS.glob("*.md"))
    assert pages, "docs/ has no pages"
    missing = [str(p.relative_to(REPO)) for p in pages if p.resolve() not in linked]
    assert not missing, f"README.md does not link to {missing}"


def test_slugs_follow_github():
    assert slug("The rules, in order") == "the-rules-in-order"
    assert slug("What `make run` does") == "what-make-run-does"
    assert slug("Places & the meeting_window") == "places--the-meeting_window"
    assert slug("Rematch after no-shows") == "rematch-after-no-shows"


def code_blocks(path: Path, language: str) -> list[str]:
    """The text of every fenced ```<language> block in `path`."""
    blocks, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if current is None and line.strip() == f"```{language}":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_the_readmes_store_queries_run_verbatim_against_a_store_make_run_leaves(sample_store, tmp_path, monkeypatch,
                                                                                 capsys):
    import shutil

    import duckdb

    # the sample rounds' store, where `make run` leaves it: data/rounds.duckdb under the working directory
    (tmp_path / "data").mkdir()
    shutil.copy(sample_store["database"], tmp_path / "data" / "rounds.duckdb")
    monkeypatch.chdir(tmp_path)
    prefix = 'duckdb data/rounds.duckdb "'
    queries = [line.strip()[len(prefix):-1] for block in code_blocks(README, "bash") for line in block.splitlines()
               if line.strip().startswith(prefix)]
    assert queries, "the README shows the store queries as `duckdb data/rounds.duckdb \"...\"`"
    with duckdb.connect("data/rounds.duckdb", read_only=True) as connection:
        for query in queries:
            assert connection.sql(query).fetchall(), query
    (python,) = code_blocks(README, "python")
    exec(compile(python, "README.md", "exec"), {})
    assert "2026-10-01" in capsys.readouterr().out
