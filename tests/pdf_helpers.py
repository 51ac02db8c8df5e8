"""Reading the text of the PDFs WeasyPrint writes, without a PDF library.

WeasyPrint draws text as glyph ids of embedded font subsets and gives every font a ToUnicode
map; it compresses streams with Flate and packs small objects into object streams. This is just
enough of PDF to turn that back into text: good for checking what a PDF says, not a general
parser.
"""

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*?)\r?\nendstream", re.S)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number → (dictionary text, decoded stream or None), object streams unpacked."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJECT.finditer(pdf):
        number, body = int(match.group(1)), match.group(2)
        stream = _STREAM.match(body)
        if stream is None:
            objects[number] = (body, None)
            continue
        head, data = stream.group(1), stream.group(2)
        # The stream's own /Length, when given: compressed data may itself end in a line break.
        length = re.search(rb"/Length (\d+)(?! \d+ R)", head)
        if length:
            data = body[stream.start(2) : stream.start(2) + int(length.group(1))]
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        objects[number] = (head, data)
        if b"/ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head).group(1))
            numbers = [int(n) for n in data[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            for i, (inner, offset) in enumerate(pairs):
                end = first + pairs[i + 1][1] if i + 1 < len(pairs) else len(data)
                objects[inner] = (data[first + offset : end], None)
    return objects


def _cmap(data: bytes) -> dict[str, str]:
    """A ToUnicode map: glyph code (hex) → text."""
    mapping = {}

    def text(hex_string: bytes) -> str:
        return bytes.fromhex(hex_string.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[source.decode().lower()] = text(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start, width = int(target, 16), len(low)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[f"{code:0{width}x}"] = chr(start + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """The text of every page, one line per text run, in drawing order."""
    objects = _objects(pdf)
    font_maps = {}
    for number, (head, _data) in objects.items():
        match = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if b"/Font" in head and match:
            font_maps[number] = _cmap(objects[int(match.group(1))][1] or b"")
    # Resource names (/KTGASA 14 0 R), whether the font dictionary is inline or its own object.
    names = {}
    for head, _data in objects.values():
        for name, number in re.findall(rb"/([^\s/<>\[\]()]+) (\d+) 0 R", head):
            if int(number) in font_maps:
                names[name.decode()] = font_maps[int(number)]
    lines = []
    for _head, data in objects.values():
        if not data or b"BT" not in data or b"Tf" not in data:
            continue
        current: dict[str, str] = {}
        for token in re.finditer(
            rb"/([^\s/]+) [\d.]+ Tf|\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", data, re.S
        ):
            if token.group(1):
                current = names.get(token.group(1).decode(), {})
                continue
            hexes = re.findall(rb"<([0-9a-fA-F]*)>", token.group(2)) if token.group(2) else [token.group(3)]
            run = ""
            for chunk in hexes:
                chunk = chunk.decode().lower()
                run += "".join(current.get(chunk[i : i + 4], "\ufffd") for i in range(0, len(chunk), 4))
            lines.append(run)
    return "\n".join(lines)


def flat(text: str) -> str:
    """Text with lines joined and hyphenated line ends put back together."""
    text = re.sub(r"[\u2010\u00ad]\n", "", text)
    return re.sub(r"\s+", " ", text).strip()
