"""Qt's ICU data trimmed to what the frozen app can reach: `libicudata.so.NN` rebuilt with fewer
items, same soname, same data symbol.

PySide6's `libicudata.so.73` is 30.5 MiB: ICU's whole "common data" package (3,921 items) built
into one read-only symbol, `icudt73_dat`, that libicuuc reads. Qt reaches ICU for collation
(QCollator), locale-aware case mapping, time-zone display names and codecs it does not know
itself (QStringConverter by name); its QLocale formatting, text boundaries and IDNA are Qt's
own code. What goes:

- every locale's data except the app's languages and `root` (their base), in every tree
  (collation, zones, currencies, units, language and region names, break rules, ...);
- the legacy codepage converters (`*.cnv`, 4.9 MiB): the app names no codec, and UTF-8/16/32,
  Latin-1 and ASCII are ICU's code, not data; `cnvalias.icu` stays, so an unknown name is
  reported as unknown;
- the word-break dictionaries for Chinese/Japanese, Thai, Lao, Khmer and Burmese (3 MiB) and the
  transliterators and spelled-out number rules: ICU break iterators, transliteration and
  RBNF, which nothing in Qt calls.

Everything not named by a locale (collation base `ucadata.icu`, normalization, time-zone rules,
plural rules, `pool.res`, the indexes, ...) stays. A locale whose data went falls back to
`root` as ICU does for any locale it lacks. Built with `as` and `ld` (binutils, which the build
already needs for `strip`); without them the original library ships.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

_ALIGN = 16  # ICU aligns every item of a common data package (and the package) to 16 bytes
_LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]*)*$")  # de, de_AT, de__PHONEBOOK
_NOT_LOCALES = frozenset({"res_index"})  # matches the locale pattern; the index of every tree
_DROPPED_TREES = ("translit/", "rbnf/")


def item_needed(name: str, languages: frozenset[str]) -> bool:
    """Whether one item of the package (`icudt73l/coll/de.res`) stays, for the app's languages."""
    path = name.split("/", 1)[1] if "/" in name else name  # without the package name
    if path.startswith(_DROPPED_TREES) or path.endswith((".cnv", ".dict")):
        return False
    stem, _, ext = path.rpartition("/")[2].partition(".")
    if ext != "res" or stem in _NOT_LOCALES or stem == "root":
        return True
    m = _LOCALE.match(stem)
    return m is None or m.group(1) in languages


def _pad(n: int) -> int:
    return -n % _ALIGN


def trim_package(data: bytes, keep: Callable[[str], bool]) -> bytes:
    """A common data package ("CmnD") with only the items `keep` accepts, in their order (ICU
    looks items up by binary search on the names)."""
    header_size = struct.unpack_from("<H", data, 0)[0]
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD" or data[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    base = header_size
    (count,) = struct.unpack_from("<I", data, base)
    toc = [struct.unpack_from("<II", data, base + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in toc[1:]] + [len(data) - base]
    items: list[tuple[bytes, bytes]] = []
    for (name_at, data_at), end in zip(toc, ends, strict=True):
        name = data[base + name_at : data.index(b"\0", base + name_at)]
        if keep(name.decode("ascii")):
            items.append((name, data[base + data_at : base + end]))
    names_at = 4 + 8 * len(items)
    names = b"".join(n + b"\0" for n, _ in items)
    body_at = names_at + len(names)
    body_at += _pad(base + body_at)
    out_toc = bytearray(struct.pack("<I", len(items)))
    body = bytearray()
    name_off = names_at
    for name, blob in items:
        out_toc += struct.pack("<II", name_off, body_at + len(body))
        name_off += len(name) + 1
        body += blob + b"\xaa" * _pad(len(blob))
    head = data[:base] + bytes(out_toc) + names
    return head + b"\xaa" * _pad(len(head)) + bytes(body)


def _elf_data_symbol(path: Path) -> tuple[str, bytes]:
    """(name, bytes) of the `icudtNN_dat` symbol of a 64-bit little-endian shared library."""
    raw = path.read_bytes()
    if raw[:4] != b"\x7fELF" or raw[4:6] != b"\x02\x01":
        raise ValueError(f"{path.name}: not a 64-bit little-endian ELF file")
    shoff = struct.unpack_from("<Q", raw, 40)[0]
    shentsize, shnum = struct.unpack_from("<HH", raw, 58)
    sections = [struct.unpack_from("<IIQQQQIIQQ", raw, shoff + i * shentsize) for i in range(shnum)]
    phoff = struct.unpack_from("<Q", raw, 32)[0]
    phentsize, phnum = struct.unpack_from("<HH", raw, 54)
    loads = [struct.unpack_from("<IIQQQQQQ", raw, phoff + i * phentsize) for i in range(phnum)]
    for sh in sections:
        if sh[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[sh[6]]
        for at in range(sh[4], sh[4] + sh[5], 24):
            st_name, _, _, _, value, size = struct.unpack_from("<IBBHQQ", raw, at)
            start = strtab[4] + st_name
            name = raw[start : raw.index(b"\0", start)].decode("ascii")
            if re.fullmatch(r"icudt\d+_dat", name):
                for p_type, _, offset, vaddr, _, filesz, _, _ in loads:
                    if p_type == 1 and vaddr <= value and value + size <= vaddr + filesz:
                        return name, raw[offset + value - vaddr : offset + value - vaddr + size]
    raise ValueError(f"{path.name}: no icudtNN_dat symbol")


def build_library(package: bytes, symbol: str, soname: str, out: Path) -> None:
    """A shared library named `soname` whose one symbol, `symbol`, is `package` (read-only,
    16-byte aligned), as ICU's own `pkgdata` makes it."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "data.bin").write_bytes(package)
        (work / "data.s").write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign {_ALIGN}\n"
            f'{symbol}:\n\t.incbin "data.bin"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        subprocess.run(["as", "-o", "data.o", "data.s"], cwd=work, check=True)
        subprocess.run(
            ["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", "lib.so", "data.o"],
            cwd=work,
            check=True,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "lib.so", out)
    out.chmod(0o755)


def trim_library(src: Path, out: Path, languages: frozenset[str]) -> tuple[int, int] | None:
    """Write the trimmed copy of ICU data library `src` to `out`; (items kept, items before),
    or None when binutils is missing or the library is not what we expect (then ship `src`)."""
    if not (shutil.which("as") and shutil.which("ld")):
        return None
    try:
        symbol, package = _elf_data_symbol(src)
        (count,) = struct.unpack_from("<I", package, struct.unpack_from("<H", package, 0)[0])
        trimmed = trim_package(package, lambda name: item_needed(name, languages))
    except (ValueError, struct.error):
        return None
    build_library(trimmed, symbol, src.name, out)
    kept = struct.unpack_from("<I", trimmed, struct.unpack_from("<H", trimmed, 0)[0])[0]
    return kept, count


_ICU_DATA_LIB = re.compile(r"(^|/)libicudata\.so\.\d+$")


def trim_in_toc(
    binaries: list[tuple[str, str, str]], out_dir: Path, languages: frozenset[str]
) -> tuple[list[tuple[str, str, str]], str]:
    """The TOC with every ICU data library replaced by its trimmed copy (in `out_dir`), and a
    line saying what happened, for the build log."""
    toc: list[tuple[str, str, str]] = []
    said = "no ICU data library in the build"
    for dest, src, typecode in binaries:
        if typecode == "BINARY" and _ICU_DATA_LIB.search(dest.replace("\\", "/")):
            out = out_dir / dest
            result = trim_library(Path(src), out, languages)
            if result is None:
                said = f"{dest} ships whole (no binutils, or not the ICU data it expects)"
            else:
                before, after = Path(src).stat().st_size, out.stat().st_size
                said = (
                    f"{dest}: {result[0]} of {result[1]} items kept, "
                    f"{before / 2**20:.1f} -> {after / 2**20:.1f} MiB"
                )
                src = str(out)
        toc.append((dest, src, typecode))
    return toc, said
