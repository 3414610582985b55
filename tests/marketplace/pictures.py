"""Pictures made in the test: each a valid file unless its name says otherwise."""

import io
import random
import struct
import zlib

from PIL import Image

# A red block in the top-left corner shows which way up a picture was stored.
MARK = (255, 0, 0)
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> Image.Image:
    canvas = Image.new(mode, size, "white")
    canvas.paste(Image.new(mode, (size[0] // 4, size[1] // 4), "red"), (0, 0))
    return canvas


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def phone_photo(size: tuple[int, int] = (400, 300)) -> bytes:
    """A JPEG a phone would take held upright: stored sideways, EXIF says rotate; GPS; a comment.

    Upright, the picture is `size` with the red mark in the top-left corner.
    """
    upright = picture(size)
    # Orientation 6 means "rotate 90° clockwise to display": store it turned the other way.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "HUAWEI"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)})
    return encoded(stored, "JPEG", exif=exif, comment=b"Lishui office", quality=90)


def png(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> bytes:
    return encoded(picture(size, mode), "PNG")


def webp(size: tuple[int, int] = (400, 300)) -> bytes:
    return encoded(picture(size), "WEBP")


def gif(size: tuple[int, int] = (400, 300)) -> bytes:
    return encoded(picture(size).convert("P"), "GIF")


def random_bytes(count: int = 4096) -> bytes:
    return random.Random(7).randbytes(count)


def png_declaring(width: int, height: int) -> bytes:
    """A valid 1-bit black PNG of `width` × `height`, a few kB, made without the pixels in memory.

    A decompression bomb: tiny as a file, `width * height` bytes once Pillow decodes it.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND")


def _chunk(kind: bytes, data: bytes = b"") -> bytes:
    checksum = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def damaged(data: bytes) -> bytes:
    """The same file with its second half overwritten: the header reads, the pixels do not."""
    half = len(data) // 2
    return data[:half] + bytes(255 - b for b in data[half:])
