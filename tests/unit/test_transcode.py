"""The UTF-8 copy of a GB18030 (or UTF-16) file: made by a child interpreter with the same codec, so
loads side by side keep both cores; byte for byte what the in-process pass makes; a bad byte still
names its row."""
from __future__ import annotations

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
