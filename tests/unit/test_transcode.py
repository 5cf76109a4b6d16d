"""The UTF-8 copy of a GB18030 (or UTF-16) file: made by iconv where it decodes as Python's codec
does, else by a child interpreter with that codec, so loads side by side keep both cores; byte for
byte what the in-process pass makes, on every path; a bad byte still names its row."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import warehouse.encodings as encodings
from warehouse.encodings import FileError, transcode, transcode_here

# 2-byte (年, 月, 鑫), 4-byte (U+20000 𠀀, U+E5E5, €) and ASCII, over lines and chunk boundaries
TEXT = "".join(f"91330784008W{i:06d},2024年{i % 12 + 1}月,鑫𠀀\ue5e5€{i}.5\r\n" for i in range(3000))


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
@pytest.mark.parametrize("chunk", [7, 1 << 22])
def test_the_child_copy_is_the_in_process_copy(tmp_path, monkeypatch, encoding, chunk):
    monkeypatch.setattr(encodings, "_CHUNK", chunk)          # small: characters cut by every chunk
    source = tmp_path / "in.csv"
    source.write_bytes(TEXT.encode(encoding))

    def no_fallback(*args):
        raise AssertionError("the child did not make the copy")

    (tmp_path / "child").mkdir()
    (tmp_path / "here").mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(encodings, "transcode_here", no_fallback)
        patch.setattr(encodings, "_iconv_copy", lambda *args: None)
        child = transcode(source, encoding, tmp_path / "child").read_bytes()
    here = transcode_here(source, encoding, tmp_path / "here").read_bytes()
    assert child == here == TEXT.encode("utf-8")


def test_a_bad_byte_names_its_row(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_bytes(TEXT[:5000].encode("gb18030") + b"\n2024\xff\xfe,1\n")
    row = TEXT[:5000].count("\n") + 2
    with pytest.raises(FileError, match=rf"bad.csv: row {row}: bytes b'\\xff\\xfe' are not valid gb18030"):
        transcode(source, "gb18030", tmp_path)


def test_a_cut_last_character_is_named(tmp_path):
    source = tmp_path / "cut.csv"
    source.write_bytes("2024年6月".encode("gb18030")[:-1])
    with pytest.raises(FileError, match="cut.csv: ends inside a multi-byte gb18030 character"):
        transcode(source, "gb18030", tmp_path)


needs_iconv = pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv on this machine")


@needs_iconv
def test_iconv_decodes_as_python_does_here_and_makes_the_copy(tmp_path):
    assert encodings._iconv_agrees()
    source = tmp_path / "in.csv"
    source.write_bytes(TEXT.encode("gb18030"))
    assert encodings._iconv_copy(source, tmp_path).read_bytes() == TEXT.encode("utf-8")
    (tmp_path / "t").mkdir()
    assert transcode(source, "gb18030", tmp_path / "t").read_bytes() == TEXT.encode("utf-8")


# bytes that GB18030-2005 (Python's codec) and GB18030-2022 (glibc >= 2.35) read as different
# characters (A6D9, A8BC, FE51: private-use in 2005), or that only 2005 maps (84318236)
@pytest.mark.parametrize("remapped", [b"\xa6\xd9", b"\xa8\xbc", b"\xfe\x51", b"\x84\x31\x82\x36"])
def test_a_character_mapped_anew_in_2022_reads_as_python_reads_it(tmp_path, remapped):
    body = TEXT[:2000].encode("gb18030") + b"name," + remapped + b",1\r\n"
    source = tmp_path / "in.csv"
    source.write_bytes(body)
    assert encodings._iconv_copy(source, tmp_path) is None      # left to Python's codec
    (tmp_path / "t").mkdir()
    assert transcode(source, "gb18030", tmp_path / "t").read_bytes() == body.decode("gb18030").encode("utf-8")


def test_every_remapped_character_is_found_by_the_search_of_the_copy():
    assert len(encodings._REMAPPED) == 50
    for char in encodings._REMAPPED:
        assert encodings._remapped_in(("年" * 10 + char + "月（有限公司）").encode("utf-8")), hex(ord(char))
    # neighbours sharing all but the last byte (龙 U+9F99, 龍 U+9F8D, U+9FBC; U+FE1A, U+E797, U+20088)
    assert not encodings._remapped_in((TEXT + "（金龙有限公司）龍\u9fbc\ufe1a\ue797\U00020088").encode("utf-8"))


@needs_iconv
def test_a_file_named_like_an_option_is_read_as_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-c.csv").write_bytes(TEXT.encode("gb18030"))
    (tmp_path / "t").mkdir()
    assert encodings._iconv_copy(Path("-c.csv"), tmp_path / "t").read_bytes() == TEXT.encode("utf-8")
