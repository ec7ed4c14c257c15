"""The Markdown parser: front matter, the section tree, anchors, passages, and every way a file can be wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fibrochat import documents
from fibrochat.documents import load_document, load_documents, parse_markdown
from fibrochat.errors import ContentError
from fibrochat.model import Document


def parse(text: str, where: str = "doc.md") -> Document:
    return parse_markdown(text, where=where, doc_id="doc")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- the garden fixture -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def garden(fixture_docs: Path) -> Document:
    return load_document(fixture_docs / "garden.md")


def test_front_matter_fields(garden: Document) -> None:
    assert garden.id == "garden"
    assert garden.title == "A Small Guide to Garden Plants"
    assert garden.source == "Test fixture"
    assert garden.note == "Made up for tests; not about health."


def test_heading_levels_and_paths(garden: Document) -> None:
    outline = [(s.level, s.path, s.line) for s in garden.sections]
    assert outline == [
        (2, ("Watering",), 7),
        (3, ("Watering", "How Often to Water Tomatoes"), 9),
        (3, ("Watering", "Signs of Overwatering"), 13),
        (2, ("Pests",), 21),
        (3, ("Pests", "Aphids on Roses"), 23),
        (3, ("Pests", "Slugs and Snails"), 27),
    ]
    assert [s.title for s in garden.sections] == [s.path[-1] for s in garden.sections]


def test_anchors_are_slugs(garden: Document) -> None:
    assert [s.anchor for s in garden.sections] == [
        "watering",
        "how-often-to-water-tomatoes",
        "signs-of-overwatering",
        "pests",
        "aphids-on-roses",
        "slugs-and-snails",
    ]
    section = garden.section("aphids-on-roses")
    assert section is not None
    assert section.title == "Aphids on Roses"
    assert garden.section("no-such-anchor") is None


def test_parent_headings_hold_no_passages(garden: Document) -> None:
    assert {s.anchor: len(s.passages) for s in garden.sections} == {
        "watering": 0,
        "how-often-to-water-tomatoes": 1,
        "signs-of-overwatering": 2,
        "pests": 0,
        "aphids-on-roses": 1,
        "slugs-and-snails": 1,
    }


def test_list_and_its_introducing_sentence_are_one_passage(garden: Document) -> None:
    section = garden.section("signs-of-overwatering")
    assert section is not None
    assert [p.text for p in section.passages] == [
        "Overwatered plants show these signs:\n- Yellow leaves that feel soft\n- Soil that stays wet for days",
        "Let the soil dry out before you water again.",
    ]
    assert [p.line for p in section.passages] == [15, 19]


def test_every_passage_is_a_verbatim_slice_of_the_file(garden: Document, fixture_docs: Path) -> None:
    raw = (fixture_docs / "garden.md").read_text(encoding="utf-8")
    lines = raw.split("\n")
    for section in garden.sections:
        for passage in section.passages:
            assert passage.text in raw
            assert passage.text in garden.text
            assert lines[passage.line - 1].strip() == passage.text.split("\n")[0].strip()


# -- small inline documents -------------------------------------------------------------------------------


def test_title_from_a_single_h1_which_is_not_a_section() -> None:
    doc = parse("# My Guide\n\n## Part\n\nSome text.\n")
    assert doc.title == "My Guide"
    assert [s.path for s in doc.sections] == [("Part",)]


def test_title_falls_back_to_the_file_id() -> None:
    doc = parse("## Part\n\nSome text.\n")
    assert doc.title == "doc"
    assert doc.source == ""


def test_heading_path_climbs_back_up_after_deeper_levels() -> None:
    doc = parse("## A\n\ntext\n\n#### A1\n\ntext\n\n### A2\n\ntext\n\n## B\n\ntext\n")
    assert [s.path for s in doc.sections] == [("A",), ("A", "A1"), ("A", "A2"), ("B",)]
    assert [s.level for s in doc.sections] == [2, 4, 3, 2]


def test_closing_hashes_and_spaces_are_not_part_of_the_heading() -> None:
    doc = parse("##   Spaced Heading   ##\n\ntext\n")
    assert doc.sections[0].title == "Spaced Heading"


def test_hash_without_space_is_not_a_heading() -> None:
    doc = parse("## Real\n\n#hashtag is text\n")
    assert [s.title for s in doc.sections] == ["Real"]
    assert doc.sections[0].passages[0].text == "#hashtag is text"


def test_curly_apostrophe_heading_keeps_its_title_and_gets_a_plain_anchor() -> None:
    doc = parse("## LDN’s Impact on Fibro\n\ntext\n")
    assert doc.sections[0].title == "LDN’s Impact on Fibro"
    assert doc.sections[0].anchor == "ldn-impact-on-fibro"


def test_duplicate_headings_get_distinct_stable_anchors() -> None:
    text = "## Notes\n\na\n\n## Notes\n\nb\n\n## Notes\n\nc\n"
    anchors = [s.anchor for s in parse(text).sections]
    assert anchors == ["notes", "notes-2", "notes-3"]
    assert anchors == [s.anchor for s in parse(text).sections]


def test_numbered_duplicate_never_collides_with_a_real_heading() -> None:
    doc = parse("## Foo\n\na\n\n## Foo\n\nb\n\n## Foo 2\n\nc\n")
    anchors = [s.anchor for s in doc.sections]
    assert len(set(anchors)) == 3
    assert anchors[:2] == ["foo", "foo-2"]


def test_heading_of_punctuation_only_still_gets_an_anchor() -> None:
    doc = parse("## ???\n\ntext\n\n## !!!\n\nmore\n")
    anchors = [s.anchor for s in doc.sections]
    assert all(anchors) and len(set(anchors)) == 2


def test_list_separated_by_a_blank_line_still_joins_its_introduction() -> None:
    text = "## Part\n\nYou will need:\n\n- a spade\n- gloves\n\nThen dig.\n"
    doc = parse(text)
    passages = [p.text for p in doc.sections[0].passages]
    assert passages == ["You will need:\n\n- a spade\n- gloves", "Then dig."]
    assert passages[0] in doc.text


def test_list_without_a_colon_introduction_stands_alone() -> None:
    doc = parse("## Part\n\nA sentence.\n\n1. first\n2. second\n")
    assert [p.text for p in doc.sections[0].passages] == ["A sentence.", "1. first\n2. second"]


def test_windows_line_endings_and_bom_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "win.md", "\ufeff## Part\r\n\r\nLine one\r\nline two.\r\n".encode())
    doc = load_document(path)
    assert doc.sections[0].title == "Part"
    assert doc.sections[0].passages[0].text == "Line one\nline two."
    assert "\r" not in doc.text


def test_load_documents_reads_a_folder_sorted_and_recursively(tmp_path: Path) -> None:
    write(tmp_path, "b.md", "## B\n\ntext\n")
    write(tmp_path, "sub/a.md", "## A\n\ntext\n")
    write(tmp_path, "notes.txt", "not markdown")
    docs = load_documents([tmp_path])
    assert [d.id for d in docs] == ["b", "a"]  # sorted by path: b.md before sub/a.md


# -- errors: each names the file and, where there is one, the line --------------------------------------


def test_no_headings(tmp_path: Path) -> None:
    path = write(tmp_path, "flat.md", "Just a paragraph.\n\nAnother.\n")
    with pytest.raises(ContentError, match="no headings") as excinfo:
        load_document(path)
    assert str(excinfo.value).startswith(str(path))


def test_empty_file_has_no_headings(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no headings"):
        load_document(write(tmp_path, "empty.md", ""))


def test_headings_without_any_text(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="nothing to quote"):
        load_document(write(tmp_path, "bare.md", "## A\n\n## B\n"))


def test_unclosed_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "open.md", "---\ntitle: Open\n\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="never closed") as excinfo:
        load_document(path)
    assert str(excinfo.value).startswith(f"{path}:1:")


def test_unknown_front_matter_key_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "key.md", "---\ntitle: T\nsource: S\nauthor: me\n---\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="unknown front matter key 'author'") as excinfo:
        load_document(path)
    assert excinfo.value.line == 4
    assert str(excinfo.value).startswith(f"{path}:4:")


def test_duplicate_front_matter_key(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.md", "---\ntitle: One\ntitle: Two\n---\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="duplicate front matter key 'title'") as excinfo:
        load_document(path)
    assert excinfo.value.line == 3


def test_front_matter_value_must_be_text(tmp_path: Path) -> None:
    path = write(tmp_path, "num.md", "---\ntitle: T\nsource: [a, b]\n---\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="'source' must be a non-empty text") as excinfo:
        load_document(path)
    assert excinfo.value.line == 3


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "list.md", "---\n- a\n- b\n---\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="key: value") as excinfo:
        load_document(path)
    assert excinfo.value.path == str(path)


def test_front_matter_with_invalid_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.md", "---\ntitle: T\nsource: [unclosed\n---\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="front matter is not valid YAML") as excinfo:
        load_document(path)
    assert excinfo.value.line is not None and 2 <= excinfo.value.line <= 4


def test_front_matter_refuses_python_tags(tmp_path: Path) -> None:
    path = write(tmp_path, "tag.md", "---\ntitle: !!python/object/apply:os.getcwd []\n---\n## A\n\ntext\n")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_document(path)


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.md", "## A\n\nfine\n\nCaf\xe9 au lait\n".encode("latin-1"))
    with pytest.raises(ContentError, match="not valid UTF-8") as excinfo:
        load_document(path)
    assert excinfo.value.line == 5
    assert str(excinfo.value).startswith(f"{path}:5:")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.md"
    with pytest.raises(ContentError, match="no such file") as excinfo:
        load_documents([path])
    assert excinfo.value.path == str(path)
    with pytest.raises(ContentError, match="no such file"):
        load_document(path)


def test_folder_without_markdown(tmp_path: Path) -> None:
    write(tmp_path, "readme.txt", "## not markdown by name\n\ntext\n")
    with pytest.raises(ContentError, match=r"no Markdown \(\*\.md\)") as excinfo:
        load_documents([tmp_path])
    assert excinfo.value.path == str(tmp_path)


def test_a_folder_where_a_file_is_expected(tmp_path: Path) -> None:
    folder = tmp_path / "dir.md"
    folder.mkdir()
    with pytest.raises(ContentError, match="is a folder"):
        load_document(folder)


def test_duplicate_document_ids_across_folders(tmp_path: Path) -> None:
    first = write(tmp_path, "one/guide.md", "## A\n\ntext\n")
    second = write(tmp_path, "two/guide.md", "## B\n\ntext\n")
    with pytest.raises(ContentError, match="document id 'guide' also used by") as excinfo:
        load_documents([first.parent, second.parent])
    assert excinfo.value.path == str(second)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.md", "## A\n\ntext\n")
    path.chmod(0)
    try:
        with pytest.raises(ContentError, match="permission denied"):
            load_document(path)
    finally:
        path.chmod(0o600)


def test_permission_denied_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as above, also where the tests run as root (who may read anything)."""
    path = write(tmp_path, "secret.md", "## A\n\ntext\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ContentError, match="permission denied") as excinfo:
        load_document(path)
    assert str(excinfo.value) == f"{path}: permission denied"


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 64)
    path = write(tmp_path, "big.md", "## A\n\n" + "text " * 100)
    with pytest.raises(ContentError, match="not a knowledge file"):
        load_document(path)


def test_a_device_is_not_read_forever() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(ContentError, match="not a knowledge file"):
        load_document(Path("/dev/zero"))
