"""displayio, busdisplay, fontio, terminalio, vectorio, fourwire and i2cdisplaybus for the VMs.

The real ``adafruit_display_text`` draws a label as one TileGrid per glyph in
a Group, so these stand-ins hold the same objects a board would, checked the
same way (a layer sits in one group only; a tile index must exist), without
pixels.  CircuitPython's VM has the real Bitmap, Palette, ColorConverter and
vectorio, and those are used; MicroPython has none, so small ones stand in.

A display's ``refresh()`` reads the label texts under ``root_group`` into the
shared ``WORLD.show``, which is how the run knows which screen is up.
"""

from __future__ import annotations

from stretchcue_host.sim.fakes import hw
from stretchcue_host.sim.world import WORLD, label_texts

try:
    import displayio as _real_displayio
except ImportError:
    _real_displayio = None
try:
    import vectorio as _real_vectorio
except ImportError:
    _real_vectorio = None


# -- Bitmap, Palette, ColorConverter: the VM's own when it has them -----------------------

class _Bitmap:
    def __init__(self, width: int, height: int, value_count: int) -> None:
        if width < 0 or height < 0 or not 1 <= value_count <= 65536:
            raise ValueError("bad bitmap size")
        bits = 1
        while (1 << bits) < value_count:
            bits *= 2
        self.width = width
        self.height = height
        self._data = bytearray((width * height * bits + 7) // 8)

    def __getitem__(self, index) -> int:
        return 0

    def __setitem__(self, index, value) -> None:
        pass

    def fill(self, value: int) -> None:
        pass


class _Palette:
    def __init__(self, color_count: int, *, dither: bool = False) -> None:
        self._colors = [0] * color_count
        self._clear = [False] * color_count

    def __len__(self) -> int:
        return len(self._colors)

    def __getitem__(self, index: int) -> int:
        return self._colors[index]

    def __setitem__(self, index: int, value) -> None:
        if isinstance(value, (tuple, list)):
            value = (value[0] << 16) | (value[1] << 8) | value[2]
        self._colors[index] = int(value)

    def make_transparent(self, index: int) -> None:
        self._clear[index] = True

    def make_opaque(self, index: int) -> None:
        self._clear[index] = False

    def is_transparent(self, index: int) -> bool:
        return self._clear[index]


class _ColorConverter:
    def __init__(self, *, input_colorspace=None, dither: bool = False) -> None:
        pass

    def convert(self, color: int) -> int:
        return color


if _real_displayio is not None:
    Bitmap = _real_displayio.Bitmap
    Palette = _real_displayio.Palette
    ColorConverter = _real_displayio.ColorConverter
else:
    Bitmap = _Bitmap
    Palette = _Palette
    ColorConverter = _ColorConverter


# -- layers -------------------------------------------------------------------------

class _Shape:
    """vectorio's shapes where the VM has no vectorio (MicroPython)."""

    def __init__(self, pixel_shader, x: int, y: int) -> None:
        if not isinstance(pixel_shader, (Palette, ColorConverter)):
            raise TypeError("pixel_shader must be displayio.Palette or displayio.ColorConverter")
        self.pixel_shader = pixel_shader
        self.x = x
        self.y = y
        self.hidden = False
        self.color_index = 0

    @property
    def location(self) -> tuple:
        return (self.x, self.y)


class Rectangle(_Shape):
    def __init__(self, *, pixel_shader, width: int, height: int, x: int, y: int,
                 color_index: int = 0) -> None:
        super().__init__(pixel_shader, x, y)
        if width < 1 or height < 1:
            raise ValueError("width and height must be at least 1")
        self.width = width
        self.height = height


class Circle(_Shape):
    def __init__(self, *, pixel_shader, radius: int, x: int, y: int,
                 color_index: int = 0) -> None:
        super().__init__(pixel_shader, x, y)
        self.radius = radius


class Polygon(_Shape):
    def __init__(self, *, pixel_shader, points: list, x: int, y: int,
                 color_index: int = 0) -> None:
        super().__init__(pixel_shader, x, y)
        self.points = points


_SHAPES = ("Rectangle", "Circle", "Polygon")


class TileGrid:
    """A grid of tiles from one bitmap; a label makes one per glyph."""

    _flags = 0  # flip_x 1, flip_y 2, transpose_xy 4, hidden 8 (rarely set: one field)

    def __init__(self, bitmap, *, pixel_shader, width: int = 1, height: int = 1,
                 tile_width=None, tile_height=None, default_tile: int = 0, x: int = 0,
                 y: int = 0) -> None:
        bw, bh = bitmap.width, bitmap.height
        tile_width = bw if tile_width is None else tile_width
        tile_height = bh if tile_height is None else tile_height
        if tile_width < 1 or tile_height < 1:
            raise ValueError("tile size must be at least 1")
        if bw % tile_width or bh % tile_height:
            raise ValueError("Tile width must exactly divide bitmap width")
        if not 0 <= default_tile < (bw // tile_width) * (bh // tile_height):
            raise ValueError("default_tile out of range")
        self.bitmap = bitmap
        self.pixel_shader = pixel_shader
        self.x = x
        self.y = y
        self._size = (width, height, tile_width, tile_height)
        self._tiles = default_tile if width * height == 1 else bytearray(
            [default_tile] * (width * height))
        self._in_group = False

    def _flag(self, bit: int, on=None) -> bool:
        if on is None:
            return bool(self._flags & bit)
        self._flags = (self._flags | bit) if on else (self._flags & ~bit)
        return on

    flip_x = property(lambda s: s._flag(1), lambda s, v: s._flag(1, bool(v)))
    flip_y = property(lambda s: s._flag(2), lambda s, v: s._flag(2, bool(v)))
    transpose_xy = property(lambda s: s._flag(4), lambda s, v: s._flag(4, bool(v)))
    hidden = property(lambda s: s._flag(8), lambda s, v: s._flag(8, bool(v)))
    width = property(lambda s: s._size[0])
    height = property(lambda s: s._size[1])
    tile_width = property(lambda s: s._size[2])
    tile_height = property(lambda s: s._size[3])

    def __getitem__(self, index) -> int:
        return self._tiles if isinstance(self._tiles, int) else self._tiles[self._at(index)]

    def __setitem__(self, index, value: int) -> None:
        if isinstance(self._tiles, int):
            self._tiles = value
        else:
            self._tiles[self._at(index)] = value

    def _at(self, index) -> int:
        if isinstance(index, tuple):
            return index[1] * self._size[0] + index[0]
        return index


def _check_layer(layer) -> None:
    if isinstance(layer, (Group, TileGrid)):
        if layer._in_group:
            raise ValueError("Layer already in a group")
        return
    if type(layer).__name__ not in _SHAPES:
        raise TypeError("Layer must be a Group or TileGrid subclass")


def _set_in(layer, on: bool) -> None:
    if isinstance(layer, (Group, TileGrid)):
        layer._in_group = on


class Group:
    """A list of layers, each in at most one group, as displayio's own."""

    def __init__(self, *, scale: int = 1, x: int = 0, y: int = 0) -> None:
        if scale < 1:
            raise ValueError("scale must be >= 1")
        self._layers: list = []
        self._scale = scale
        self._x = x
        self._y = y
        self._hidden = False
        self._in_group = False

    @property
    def x(self) -> int:
        return self._x

    @x.setter
    def x(self, value: int) -> None:
        self._x = int(value)

    @property
    def y(self) -> int:
        return self._y

    @y.setter
    def y(self, value: int) -> None:
        self._y = int(value)

    @property
    def scale(self) -> int:
        return self._scale

    @scale.setter
    def scale(self, value: int) -> None:
        if value < 1:
            raise ValueError("scale must be >= 1")
        self._scale = value

    @property
    def hidden(self) -> bool:
        return self._hidden

    @hidden.setter
    def hidden(self, value: bool) -> None:
        self._hidden = bool(value)

    def append(self, layer) -> None:
        self.insert(len(self._layers), layer)

    def insert(self, index: int, layer) -> None:
        _check_layer(layer)
        self._layers.insert(index, layer)
        _set_in(layer, True)

    def index(self, layer) -> int:
        return self._layers.index(layer)

    def pop(self, i: int = -1):
        layer = self._layers.pop(i)
        _set_in(layer, False)
        return layer

    def remove(self, layer) -> None:
        self.pop(self.index(layer))

    def sort(self, key=None, reverse: bool = False) -> None:
        self._layers.sort(key=key, reverse=reverse)

    def __len__(self) -> int:
        return len(self._layers)

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, index):
        return self._layers[index]

    def __setitem__(self, index: int, layer) -> None:
        old = self._layers[index]
        if old is layer:
            return
        _check_layer(layer)
        _set_in(old, False)
        self._layers[index] = layer
        _set_in(layer, True)

    def __delitem__(self, index: int) -> None:
        self.pop(index)

    def __iter__(self):
        return iter(self._layers)

    def __contains__(self, layer) -> bool:
        return layer in self._layers


# -- displays and their buses ------------------------------------------------------

_DISPLAYS: list = []


def release_displays() -> None:
    """Every display off and its bus's pins free, as displayio.release_displays()."""
    while _DISPLAYS:
        d = _DISPLAYS.pop()
        d.release()


class FourWire:
    def __init__(self, spi_bus, *, command=None, chip_select=None, reset=None,
                 baudrate: int = 24000000, polarity: int = 0, phase: int = 0) -> None:
        if not isinstance(spi_bus, hw.SPI):
            raise TypeError("spi_bus must be a busio.SPI")
        self._pins = (command, chip_select, reset)
        for pin in self._pins:
            hw._claim(pin, self)

    def deinit(self) -> None:
        for pin in self._pins:
            hw._release(pin, self)


class I2CDisplayBus:
    def __init__(self, i2c_bus, *, device_address: int, reset=None) -> None:
        if not i2c_bus.probe(device_address):
            raise ValueError("Unable to find I2C Display at %x" % device_address)
        self._reset = reset
        hw._claim(reset, self)

    def deinit(self) -> None:
        hw._release(self._reset, self)


class BusDisplay:
    """A panel on a display bus (or the board's own, ``board.DISPLAY``).

    ``refresh()`` is where a board would push pixels; here it reads the labels.
    """

    def __init__(self, display_bus, init_sequence, *, width: int, height: int,
                 colstart: int = 0, rowstart: int = 0, rotation: int = 0,
                 color_depth: int = 16, grayscale: bool = False,
                 pixels_in_byte_share_row: bool = True, bytes_per_cell: int = 1,
                 reverse_pixels_in_byte: bool = False, set_column_command: int = 0x2A,
                 set_row_command: int = 0x2B, write_ram_command: int = 0x2C,
                 backlight_pin=None, brightness_command=None, brightness: float = 1.0,
                 single_byte_bounds: bool = False, data_as_commands: bool = False,
                 auto_refresh: bool = True, native_frames_per_second: int = 60,
                 backlight_on_high: bool = True, SH1107_addressing: bool = False) -> None:  # noqa: N803
        if rotation % 90:
            raise ValueError("Display rotation must be in 90 degree increments")
        hw._claim(backlight_pin, self)
        self.bus = display_bus
        self.width = width
        self.height = height
        self.rotation = rotation
        self.auto_refresh = auto_refresh
        self._backlight = backlight_pin
        self._brightness = brightness
        self._root = None
        self.refreshes = 0
        _DISPLAYS.append(self)

    @property
    def root_group(self):
        return self._root

    @root_group.setter
    def root_group(self, group) -> None:
        if group is not None and not isinstance(group, Group):
            raise ValueError("root_group must be a Group")
        self._root = group

    @property
    def brightness(self) -> float:
        return self._brightness

    @brightness.setter
    def brightness(self, value: float) -> None:
        if not 0 <= value <= 1:
            raise ValueError("brightness must be 0.0-1.0")
        self._brightness = value

    def refresh(self, *, target_frames_per_second=None,
                minimum_frames_per_second: int = 0) -> bool:
        self.refreshes += 1
        WORLD.show(label_texts(self._root), refresh=self.refreshes)
        return True

    def release(self) -> None:
        hw._release(self._backlight, self)
        deinit = getattr(self.bus, "deinit", None)
        if deinit is not None:
            deinit()


# -- fonts ---------------------------------------------------------------------------

class Glyph:
    def __init__(self, bitmap, tile_index: int, width: int, height: int, dx: int, dy: int,
                 shift_x: int, shift_y: int) -> None:
        self.bitmap = bitmap
        self.tile_index = tile_index
        self.width = width
        self.height = height
        self.dx = dx
        self.dy = dy
        self.shift_x = shift_x
        self.shift_y = shift_y


class BuiltinFont:
    """terminalio.FONT: 6x12 cells for printable ASCII; a board keeps it in flash."""

    _FIRST = 32
    _COUNT = 95

    def __init__(self) -> None:
        self.bitmap = Bitmap(6 * self._COUNT, 12, 2)

    def get_bounding_box(self) -> tuple:
        return (6, 12)

    def get_glyph(self, codepoint: int):
        i = codepoint - self._FIRST
        if not 0 <= i < self._COUNT:
            return None
        return Glyph(self.bitmap, i, 6, 12, 0, 0, 6, 0)


def modules(install) -> None:
    """Put every display module into ``sys.modules`` through ``install(name, **attrs)``."""
    install("displayio", Bitmap=Bitmap, Palette=Palette, ColorConverter=ColorConverter,
            Colorspace=getattr(_real_displayio, "Colorspace", None), Group=Group,
            TileGrid=TileGrid, release_displays=release_displays)
    install("busdisplay", BusDisplay=BusDisplay)
    install("fourwire", FourWire=FourWire)
    install("i2cdisplaybus", I2CDisplayBus=I2CDisplayBus)
    install("fontio", BuiltinFont=BuiltinFont, Glyph=Glyph)
    install("terminalio", FONT=BuiltinFont(), Terminal=None)
    if _real_vectorio is None:
        install("vectorio", Rectangle=Rectangle, Circle=Circle, Polygon=Polygon)
