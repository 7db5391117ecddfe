"""The report's charts as PNG at print resolution.

vl-convert draws each chart (Danish locale inside the spec) without a browser: first as SVG, whose
size says how large the chart will be printed, then as PNG at the resolution that size needs for
`charts.PRINT_PPI` on paper. The PDF and the workbook share the images, so a pack renders every chart
once.
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

from csr import charts
from csr.export.content import ChartItem


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
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255:
            image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
        return image.convert("RGB")


_warming = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Start vl-convert's engine (about half a second on first use in a process)."""
    charts.to_png({"data": {"values": [{"x": 1}]}, "mark": "point",
                   "encoding": {"x": {"field": "x", "type": "quantitative"}}})


def warm_up_in_background() -> None:
    """`warm_up` in a daemon thread, once per process: while data load, before anyone asks for a chart."""
    global _warmed
    with _warming:
        if _warmed:
            return
        _warmed = True
    threading.Thread(target=warm_up, name="csr-vl-convert-warm-up", daemon=True).start()


_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def print_ppi(natural_width_mm: float, max_width_mm: float, ppi: int = charts.PRINT_PPI) -> int:
    """The resolution to render at so that the chart, printed at most `max_width_mm` wide (and never
    larger than its own size), has `ppi` pixels per inch on paper: fewer pixels for a chart that is
    printed smaller than it is drawn."""
    scale = min(1.0, max_width_mm / natural_width_mm) if natural_width_mm > 0 else 1.0
    return max(1, math.ceil(ppi * scale))


def render(item: ChartItem, ppi: int = charts.PRINT_PPI) -> Png:
    """One chart as PNG with at least `ppi` pixels per printed inch, and decoded for the PDF.

    The chart is drawn as SVG first (its size says how large it will be printed), then rasterised at the
    resolution that size needs. The spec is not validated again: the builders' tests do that.
    """
    import vl_convert

    svg = vl_convert.vegalite_to_svg(item.build().to_dict(validate=False))
    size = _SVG_SIZE.search(svg[:2000].encode())
    natural_mm = float(size.group(1)) / 72 * 25.4 if size else item.width_mm
    resolution = print_ppi(natural_mm, item.width_mm, ppi)
    data = vl_convert.svg_to_png(svg, ppi=resolution)
    width, height = png_size(data)
    return Png(data, width, height, resolution, flatten(data))


def chart_images(items: Iterable[ChartItem], ppi: int = charts.PRINT_PPI) -> dict[str, Png]:
    """Every chart of a pack by name, rendered one after the other: vl-convert holds Python's GIL while it
    converts, so threads would not render two charts at once (measured: two threads take as long as one)."""
    return {item.name: render(item, ppi) for item in items}
