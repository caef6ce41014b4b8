"""A minimal, read-only .tflite (FlatBuffers) reader: just what the harness needs.

Reads operator codes, per-operator builtin code and the element types of each
operator's input tensors, and each subgraph's input/output tensors (type, shape).
"""
import struct

# TensorType enum values of the TFLite schema that the harness needs to name.
TENSOR_TYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool",
                7: "int16", 9: "int8", 10: "float64", 17: "int4"}
ELEMENT_BYTES = {"float32": 4, "float16": 2, "int32": 4, "uint8": 1, "int64": 8, "bool": 1,
                 "int16": 2, "int8": 1, "float64": 8}


class _Table:
    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vt = vt
        self.vt_len = struct.unpack_from("<H", buf, vt)[0]

    def _off(self, field):
        o = 4 + 2 * field
        if o >= self.vt_len:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + o)[0]

    def scalar(self, field, fmt, default=0):
        o = self._off(field)
        return default if o == 0 else struct.unpack_from("<" + fmt, self.buf, self.pos + o)[0]

    def _indirect(self, field):
        o = self._off(field)
        if o == 0:
            return None
        p = self.pos + o
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, field):
        p = self._indirect(field)
        return None if p is None else _Table(self.buf, p)

    def vector_len_start(self, field):
        p = self._indirect(field)
        if p is None:
            return 0, 0
        return struct.unpack_from("<I", self.buf, p)[0], p + 4

    def tables(self, field):
        n, start = self.vector_len_start(field)
        out = []
        for i in range(n):
            q = start + 4 * i
            out.append(_Table(self.buf, q + struct.unpack_from("<I", self.buf, q)[0]))
        return out

    def ints(self, field):
        n, start = self.vector_len_start(field)
        return list(struct.unpack_from("<%di" % n, self.buf, start)) if n else []


def read_model(data: bytes):
    """Returns {'op_codes': [builtin code...], 'subgraphs': [...]}."""
    root = _Table(data, struct.unpack_from("<I", data, 0)[0])
    codes = []
    for oc in root.tables(1):
        deprecated = oc.scalar(0, "b", 0)
        builtin = oc.scalar(3, "i", 0)
        codes.append(max(deprecated, builtin))
    subgraphs = []
    for sg in root.tables(2):
        tensors = []
        for t in sg.tables(0):
            tensors.append({"type": TENSOR_TYPES.get(t.scalar(1, "b", 0), "type%d" % t.scalar(1, "b", 0)),
                            "shape": t.ints(0)})
        ops = []
        for op in sg.tables(3):
            ops.append({"opcode_index": op.scalar(0, "I", 0), "inputs": op.ints(1), "outputs": op.ints(2)})
        subgraphs.append({"tensors": tensors, "operators": ops, "inputs": sg.ints(1), "outputs": sg.ints(2)})
    return {"op_codes": codes, "subgraphs": subgraphs}
