"""dlib's face-recognition ResNet, read from dlib's own model file and rebuilt for ONNX Runtime.

The `dlib-bin` wheel is built without BLAS, so its network costs ~140 ms a face on one core;
ONNX Runtime runs the same layers with the same weights in a fraction of that. The model file
is read here rather than converted once and shipped, because the weights' home is the
`face_recognition_models` package: nothing converted is stored in this repository or on disk.

dlib writes a network as nested objects (dlib/dnn/core.h): the loss layer, then one header per
layer from the output inwards, then the input layer and each layer's details from the input
outwards. Integers are a size byte (0x80 marks a negative) and that many little-endian bytes,
floats a mantissa and a power of two, strings a length and bytes, flags '0' or '1', and the
weight tensors raw little-endian float32 (dlib/serialize.h, dnn/tensor.h). Tags and skips are
headers without details, so the file alone cannot say which tag a layer refers to: the
architecture comes from dlib's definition of this network (`anet_type` in
tools/python/src/face_recognition.cpp), and the file must match it layer for layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from onnx import NodeProto, TensorProto, helper, numpy_helper

Floats = npt.NDArray[np.float32]

CHIP_SIZE = 150
"""The network's input: a 150 × 150 RGB face chip aligned the way `dlib.get_face_chip` does."""


def _residual(down: bool) -> list[str]:
    """dlib's `ares` (or `ares_down`) block, input side first: two 3×3 convolutions, each
    followed by an affine layer, added to the block's input. A down block strides its first
    convolution by 2 and average-pools the input to match."""
    block = ["tag1", "con", "affine", "relu", "con", "affine"]
    if down:
        return [*block, "tag2", "skip1", "avg_pool", "add_prev2", "relu"]
    return [*block, "add_prev1", "relu"]


def _levels(*blocks: tuple[int, bool]) -> list[str]:
    return [layer for count, down in blocks for _ in range(count) for layer in _residual(down)]


ARCHITECTURE = (
    *("con", "affine", "relu", "max_pool"),
    *_levels((3, False)),  # 32 channels
    *_levels((1, True), (3, False)),  # 64
    *_levels((1, True), (2, False)),  # 128
    *_levels((1, True), (2, False)),  # 256
    *_levels((1, True)),  # 256
    *("avg_pool", "fc"),
)
"""The layers of dlib's `anet_type` from the input to the 128 outputs."""


@dataclass(frozen=True)
class Layer:
    """One layer as stored: its kind ('mark' for a tag or skip) and what it holds."""

    kind: str
    weights: Floats | None = None
    """Convolution filters (out, in, rows, columns), affine scale, or dense (in, out) matrix."""
    bias: Floats | None = None
    """Convolution bias or affine shift."""
    window: tuple[int, int] = (0, 0)
    """Kernel or pooling window, rows × columns (0 × 0: the whole input)."""
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Network:
    """The input layer's per-channel means (red, green, blue) and the layers after it."""

    means: tuple[float, float, float]
    layers: tuple[Layer, ...]


class _Reader:
    """dlib's serialisation primitives over the file's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def integer(self) -> int:
        if self.position >= len(self.data):
            raise ValueError("the file ends in the middle of the network")
        control = self.data[self.position]
        size = control & 0x0F
        start = self.position + 1
        self.position = start + size
        value = int.from_bytes(self.data[start : self.position], "little")
        return -value if control & 0x80 else value

    def real(self) -> float:
        mantissa = self.integer()
        return float(mantissa * 2.0 ** self.integer())

    def text(self) -> str:
        size = self.integer()
        start = self.position
        self.position += size
        return self.data[start : self.position].decode("ascii")

    def flag(self) -> bool:
        value = self.data[self.position : self.position + 1]
        if value not in (b"0", b"1"):
            raise ValueError(f"not a dlib bool at byte {self.position}")
        self.position += 1
        return value == b"1"

    def tensor(self) -> Floats:
        """A tensor's values, flat (its four dimensions are read and multiplied out)."""
        version = self.integer()
        if version != 2:
            raise ValueError(f"tensor version {version} (only raw float32, version 2, is read)")
        count = int(np.prod([self.integer() for _ in range(4)]))
        values = np.frombuffer(self.data, dtype="<f4", count=count, offset=self.position)
        self.position += 4 * count
        return values.astype(np.float32)

    def shape(self) -> tuple[int, ...]:
        """An alias tensor: the shape a slice of a layer's parameters is viewed as."""
        _expect(self.integer(), 1, "alias tensor version")
        return tuple(self.integer() for _ in range(4))


def _expect(found: object, wanted: object, what: str) -> None:
    if found != wanted:
        raise ValueError(f"{what}: found {found!r}, expected {wanted!r}")


def read_network(data: bytes) -> Network:
    """The network in `data` (dlib_face_recognition_resnet_model_v1.dat), checked against
    ARCHITECTURE; ValueError if the file is not this network in dlib's format."""
    reader = _Reader(data)
    _expect(reader.integer(), 1, "loss layer version")
    _expect(reader.text(), "loss_metric_2", "loss layer")
    for _ in range(2):
        reader.real()  # margin and distance threshold: training only
    headers = []
    while (version := reader.integer()) != 3:  # 3: the layer sitting on the input layer
        headers.append(version)
    _expect(reader.text(), "input_rgb_image_sized", "input layer")
    means = (reader.real(), reader.real(), reader.real())
    _expect((reader.integer(), reader.integer()), (CHIP_SIZE, CHIP_SIZE), "input size")
    layers = [_details(reader)]
    _training_state(reader, expansion_factor=True)
    for version in reversed(headers):
        if version == 1:  # a tag or skip layer: its header is all there is
            layers.append(Layer("mark"))
            continue
        _expect(version, 2, "layer version")
        layers.append(_details(reader))
        _training_state(reader, expansion_factor=False)
    _expect(reader.position, len(data), "end of file")
    expected = [_stored_as(kind) for kind in ARCHITECTURE]
    _expect([layer.kind for layer in layers], expected, "layers")
    return Network((means[0], means[1], means[2]), tuple(layers))


def _stored_as(kind: str) -> str:
    """How a layer of ARCHITECTURE appears in the file: without its tag number, and tags and
    skips as bare marks."""
    kind = kind.rstrip("12")
    return "mark" if kind in ("tag", "skip") else kind


def _training_state(reader: _Reader, expansion_factor: bool) -> None:
    """Skip what a layer keeps for training: three flags, three (empty) tensors and, for
    the layer on the input, its sample expansion factor."""
    for _ in range(3):
        reader.flag()
    for _ in range(3):
        reader.tensor()
    if expansion_factor:
        reader.integer()


def _details(reader: _Reader) -> Layer:
    name = reader.text()
    if name in ("con_4", "con_5"):
        params = reader.tensor()
        reader.integer()  # number of filters, also in the filters' shape
        window = (reader.integer(), reader.integer())
        stride = (reader.integer(), reader.integer())
        padding = (reader.integer(), reader.integer())
        filters, biases = reader.shape(), reader.shape()
        _expect(biases, (1, filters[0], 1, 1), "convolution biases")
        for _ in range(4):
            reader.real()  # learning-rate and weight-decay multipliers
        if name == "con_5":
            _expect(reader.flag(), True, "convolution bias")
        size = int(np.prod(filters))
        weights = params[:size].reshape(filters)
        return Layer("con", weights, params[size:], window, stride, padding)
    if name == "affine_":
        params = reader.tensor()
        scale, shift = reader.shape(), reader.shape()
        _expect(reader.integer(), 0, "affine mode (0: per channel)")
        channels = scale[1]
        _expect(shift[1], channels, "affine shift size")
        return Layer("affine", params[:channels], params[channels : 2 * channels])
    if name in ("max_pool_2", "avg_pool_2"):
        window = (reader.integer(), reader.integer())
        stride = (reader.integer(), reader.integer())
        padding = (reader.integer(), reader.integer())
        return Layer(name[:-2], window=window, stride=stride, padding=padding)
    if name == "fc_2":
        outputs, inputs = reader.integer(), reader.integer()
        params = reader.tensor()
        _expect(reader.shape(), (inputs, outputs, 1, 1), "dense weights")
        reader.shape()
        _expect(reader.integer(), 1, "dense bias mode (1: no bias)")
        for _ in range(4):
            reader.real()
        return Layer("fc", params.reshape(inputs, outputs))
    if name in ("relu_", "add_prev_"):
        return Layer(name[:-1])
    raise ValueError(f"unexpected layer {name!r}")


def onnx_model(network: Network) -> bytes:
    """`network` as a serialised ONNX model, layer for layer: input `chips`, uint8 RGB face
    chips (faces, 150, 150, 3); output `descriptors`, float32 (faces, 128), the raw
    descriptors dlib's `compute_face_descriptor` returns."""
    graph = _Graph()
    # dlib's input layer: each channel less its mean, divided by 256, as planes.
    x = graph.node("Cast", ["chips"], to=TensorProto.FLOAT)
    x = graph.node("Sub", [x, graph.constant(np.array(network.means, np.float32))])
    x = graph.node("Div", [x, graph.constant(np.array(256, np.float32))])
    x = graph.node("Transpose", [x], perm=[0, 3, 1, 2])
    shape = (3, CHIP_SIZE, CHIP_SIZE)
    tagged: dict[str, tuple[str, tuple[int, int, int]]] = {}
    for kind, layer in zip(ARCHITECTURE, network.layers, strict=True):
        if kind == "con":
            assert layer.weights is not None and layer.bias is not None
            inputs = [x, graph.constant(layer.weights), graph.constant(layer.bias)]
            x = graph.node("Conv", inputs, **_window(layer))
            shape = (layer.weights.shape[0], *_pooled(shape, layer))
        elif kind == "affine":
            assert layer.weights is not None and layer.bias is not None
            x = graph.node("Mul", [x, graph.constant(layer.weights.reshape(-1, 1, 1))])
            x = graph.node("Add", [x, graph.constant(layer.bias.reshape(-1, 1, 1))])
        elif kind == "relu":
            x = graph.node("Relu", [x])
        elif kind == "max_pool":
            x = graph.node("MaxPool", [x], **_window(layer))
            shape = (shape[0], *_pooled(shape, layer))
        elif kind == "avg_pool" and layer.window == (0, 0):  # dlib's avg_pool_everything
            x = graph.node("GlobalAveragePool", [x])
            shape = (shape[0], 1, 1)
        elif kind == "avg_pool":
            # dlib and ONNX might count a padded window's zeros differently; none here.
            _expect(layer.padding, (0, 0), "average pooling padding")
            x = graph.node("AveragePool", [x], **_window(layer))
            shape = (shape[0], *_pooled(shape, layer))
        elif kind.startswith("tag"):
            tagged[kind] = (x, shape)
        elif kind == "skip1":
            x, shape = tagged["tag1"]
        elif kind.startswith("add_prev"):
            other, other_shape = tagged["tag" + kind[-1]]
            target = (
                max(shape[0], other_shape[0]),
                max(shape[1], other_shape[1]),
                max(shape[2], other_shape[2]),
            )
            x = graph.node(
                "Add", [graph.pad(x, shape, target), graph.pad(other, other_shape, target)]
            )
            shape = target
        else:
            assert kind == "fc" and layer.weights is not None
            x = graph.node("Flatten", [x])
            x = graph.node("MatMul", [x, graph.constant(layer.weights)], output="descriptors")
            shape = (layer.weights.shape[1], 1, 1)
    model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            "dlib_face_recognition_resnet_model_v1",
            [
                helper.make_tensor_value_info(
                    "chips", TensorProto.UINT8, ["faces", CHIP_SIZE, CHIP_SIZE, 3]
                )
            ],
            [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["faces", shape[0]])],
            graph.constants,
        ),
        # Opset 17 and IR 8, which every onnxruntime the 'images' extra allows reads.
        opset_imports=[helper.make_opsetid("", 17)],
        ir_version=8,
    )
    return bytes(model.SerializeToString())


def _window(layer: Layer) -> dict[str, Any]:
    """A convolution's or pooling layer's ONNX attributes."""
    return {
        "kernel_shape": list(layer.window),
        "strides": list(layer.stride),
        "pads": [*layer.padding, *layer.padding],
    }


def _pooled(shape: tuple[int, int, int], layer: Layer) -> tuple[int, int]:
    """Rows and columns out of a convolution or pooling window (dlib's and ONNX's rule)."""
    rows, columns = (
        (size + 2 * pad - window) // stride + 1
        for size, window, stride, pad in zip(
            shape[1:], layer.window, layer.stride, layer.padding, strict=True
        )
    )
    return rows, columns


class _Graph:
    """ONNX nodes and constants, named in the order they are made."""

    def __init__(self) -> None:
        self.nodes: list[NodeProto] = []
        self.constants: list[TensorProto] = []

    def constant(self, values: npt.NDArray[np.float32] | npt.NDArray[np.int64]) -> str:
        name = f"constant{len(self.constants)}"
        self.constants.append(numpy_helper.from_array(values, name))
        return name

    def node(self, op: str, inputs: list[str], output: str = "", **attributes: Any) -> str:
        output = output or f"{op}{len(self.nodes)}"
        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def pad(self, x: str, shape: tuple[int, int, int], target: tuple[int, int, int]) -> str:
        """dlib adds tensors of different sizes as if the smaller one had zeros after its
        last channel, row and column: `ares_down` adds a block with twice the input's
        channels to the pooled input, and from an even-sized input its strided convolution
        is a row and column smaller than the pooling (3 × 3 against 4 × 4, 1 × 1 against
        2 × 2)."""
        if shape == target:
            return x
        after = [0] + [wanted - size for size, wanted in zip(shape, target, strict=True)]
        return self.node("Pad", [x, self.constant(np.array([0, 0, 0, 0, *after], np.int64))])
