"""The report's charts as PNG at print resolution.

vl-convert draws each chart (Danish locale inside the spec) without a browser: first as SVG, whose
size says how large the chart will be printed, then as PNG at the resolution that size needs for
`charts.PRINT_PPI` on paper. The PDF and the workbook share the images, so a pack renders every chart
once. The drawing happens in the guarded worker of `csr.drawing`, from specs cleaned by `plain_spec`, all
charts of a pack in one job: a chart that cannot be drawn is a Danish sentence (`DrawError`), never a
dead process.
"""

from __future__ import annotations

import io
import math
import re
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image

from csr import charts, drawing
from csr.drawing import DrawError
from csr.export.content import ChartItem
from csr.plain import plain_spec


@dataclass(frozen=True)
class Png:
    """A rendered chart: the PNG bytes, their size in pixels and the resolution they were made for."""

    data: bytes
    width: int
    height: int
    ppi: int
    rgb: Image.Image | None = field(default=None, compare=False, repr=False)  # decoded, on white, for the PDF

    @property
    def natural_mm(self) -> tuple[float, float]:
        """The chart's own size in millimetres (the size Vega-Lite drew it at)."""
        return self.width / self.ppi * 25.4, self.height / self.ppi * 25.4

    def fit(self, max_width_mm: float, max_height_mm: float) -> tuple[float, float]:
        """The printed size: the chart's own size or smaller, within the box, proportions kept.

        Never larger than its own size, so the effective resolution is at least `ppi`."""
        width, height = self.natural_mm
        scale = min(1.0, max_width_mm / width, max_height_mm / height)
        return width * scale, height * scale


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("Ikke et PNG-billede.")
    return struct.unpack(">II", data[16:24])


def flatten(data: bytes) -> Image.Image:
    """The PNG decoded, without an alpha channel (the PDF then needs no mask); any transparency is laid
    on white (vl-convert paints a white background, so usually there is none)."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        image: Image.Image = opened
        if image.mode == "RGBA" and image.getchannel("A").getextrema() != (255, 255):  # some pixel not opaque
            image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
        return image.convert("RGB")


def warm_up() -> None:
    """Start the drawing worker and vl-convert's engine in it (1-3 s), without waiting for it."""
    drawing.start()


def warm_up_in_background() -> None:
    """`warm_up` without holding up the caller: at once in a single-threaded process (the command line
    forks the worker in milliseconds), in a daemon thread inside the server (a forkserver may start first)."""
    if threading.active_count() == 1:
        warm_up()
    else:
        threading.Thread(target=warm_up, name="csr-drawing-warm-up", daemon=True).start()


_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def print_ppi(natural_width_mm: float, max_width_mm: float, ppi: int = charts.PRINT_PPI) -> int:
    """The resolution to render at so that the chart, printed at most `max_width_mm` wide (and never
    larger than its own size), has `ppi` pixels per inch on paper: fewer pixels for a chart that is
    printed smaller than it is drawn."""
    scale = min(1.0, max_width_mm / natural_width_mm) if natural_width_mm > 0 else 1.0
    return max(1, math.ceil(ppi * scale))


def draw(spec: dict, width_mm: float, ppi: int) -> tuple[bytes, int]:
    """PNG bytes of a chart printed at most `width_mm` wide, and their resolution (see `print_ppi`): drawn as
    SVG first (its size says how large it will be printed), then rasterised. Runs in the drawing worker."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    size = _SVG_SIZE.search(svg[:2000].encode())
    natural_mm = float(size.group(1)) / 72 * 25.4 if size else width_mm
    resolution = print_ppi(natural_mm, width_mm, ppi)
    return vl_convert.svg_to_png(svg, ppi=resolution), resolution


def draw_many(jobs: list[tuple[dict, float, int]]) -> list[tuple[bytes, int]]:
    """`draw` for several charts: one worker job for a whole pack."""
    return [draw(*job) for job in jobs]


def _job(item: ChartItem, ppi: int) -> tuple[dict, float, int]:
    # The spec is not validated again (the builders' tests do that), but every string is cleaned.
    return plain_spec(item.build().to_dict(validate=False)), item.width_mm, ppi


def _png(data: bytes, resolution: int) -> Png:
    width, height = png_size(data)
    return Png(data, width, height, resolution, flatten(data))


def _named(exc: DrawError, item: ChartItem) -> DrawError:
    """The worker's sentence naming the chart: "Figuren «Figur 1 …» kunne ikke tegnes …"."""
    return DrawError(str(exc).replace("Figuren", f"Figuren «{item.title}»", 1))


def render(item: ChartItem, ppi: int = charts.PRINT_PPI) -> Png:
    """One chart as PNG with at least `ppi` pixels per printed inch, and decoded for the PDF; `DrawError`
    naming the chart if it cannot be drawn."""
    try:
        return _png(*drawing.call(draw, *_job(item, ppi)))
    except DrawError as exc:
        raise _named(exc, item) from None


def chart_images(
    items: Iterable[ChartItem], ppi: int = charts.PRINT_PPI, failures: dict[str, str] | None = None
) -> dict[str, Png]:
    """Every chart of a pack by name, drawn in one worker job (vl-convert holds Python's GIL while it
    converts, so parallel drawing would not be faster).

    If that job fails, each chart is drawn in a job of its own, so the one that fails is known (after a
    timeout nothing is tried again). Without `failures`, the first failing chart raises `DrawError`; with
    it, each failing chart's Danish sentence is put there by name, and the others are returned."""
    items = list(items)
    try:
        drawn = drawing.call(
            draw_many, [_job(item, ppi) for item in items], timeout_s=drawing.TIMEOUT_S + 10 * len(items)
        )
        return {item.name: _png(*result) for item, result in zip(items, drawn, strict=True)}
    except DrawError as exc:
        if exc.timed_out:
            if failures is None:
                raise
            failures.update((item.name, str(_named(exc, item))) for item in items)
            return {}
    images = {}
    for item in items:
        try:
            images[item.name] = render(item, ppi)
        except DrawError as exc:
            if failures is None:
                raise
            failures[item.name] = str(exc)
    return images
