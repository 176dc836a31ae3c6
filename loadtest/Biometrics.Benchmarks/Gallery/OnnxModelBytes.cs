using Google.Protobuf;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// A one-node ONNX model written as bytes: only the few <c>ModelProto</c> fields ONNX Runtime needs (field numbers from
/// onnx.proto: ModelProto ir_version 1, graph 7, opset_import 8; GraphProto node 1, name 2, initializer 5, input 11,
/// output 12; NodeProto input 1, output 2, name 3, op_type 4; TensorProto dims 1, data_type 2, name 8, raw_data 9;
/// ValueInfoProto name 1, type 2; TypeProto tensor_type 1; TypeProto.Tensor elem_type 1, shape 2; TensorShapeProto
/// dim 1; Dimension dim_value 1; OperatorSetIdProto domain 1, version 2).
/// </summary>
internal static class OnnxModelBytes
{
    private const int Uint8 = 2;
    private const int Int8 = 3;
    private const int Int32 = 6;

    /// <summary>
    /// <c>Y = MatMulInteger(A, B, a_zero_point)</c>: A uint8 [m, k], B int8 [k, n] (a graph input, or a constant
    /// initializer when <paramref name="constantB"/> is given, which ONNX Runtime packs once at session creation),
    /// a_zero_point a uint8 scalar constant; Y int32 [m, n] = (A - a_zero_point) x B, row-major.
    /// </summary>
    public static byte[] MatMulInteger(int m, int k, int n, byte aZeroPoint, ReadOnlySpan<sbyte> constantB = default)
    {
        var node = Message(o =>
        {
            Text(o, 1, "A");
            Text(o, 1, "B");
            Text(o, 1, "a_zero_point");
            Text(o, 2, "Y");
            Text(o, 3, "scores");
            Text(o, 4, "MatMulInteger");
        });
        var b = constantB.IsEmpty ? null : Tensor("B", Int8, [k, n], ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(constantB)));
        var graph = Message(o =>
        {
            Sub(o, 1, node);
            Text(o, 2, "gallery_step");
            Sub(o, 5, Tensor("a_zero_point", Uint8, [], ByteString.CopyFrom(aZeroPoint)));
            if (b is not null)
            {
                Sub(o, 5, b);
            }

            Sub(o, 11, ValueInfo("A", Uint8, [m, k]));
            if (b is null)
            {
                Sub(o, 11, ValueInfo("B", Int8, [k, n]));
            }

            Sub(o, 12, ValueInfo("Y", Int32, [m, n]));
        });
        return Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteInt64(8); // IR version 8 (ONNX 1.10), enough for opset 13
            Sub(o, 8, Message(p =>
            {
                Text(p, 1, string.Empty);
                p.WriteTag(2, WireFormat.WireType.Varint);
                p.WriteInt64(13);
            }));
            Sub(o, 7, graph);
        });
    }

    private static byte[] Tensor(string name, int type, long[] dims, ByteString raw) => Message(o =>
    {
        foreach (var d in dims)
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteInt64(d);
        }

        o.WriteTag(2, WireFormat.WireType.Varint);
        o.WriteInt32(type);
        Text(o, 8, name);
        o.WriteTag(9, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(raw);
    });

    private static byte[] ValueInfo(string name, int type, long[] dims)
    {
        var shape = Message(o =>
        {
            foreach (var d in dims)
            {
                Sub(o, 1, Message(p =>
                {
                    p.WriteTag(1, WireFormat.WireType.Varint);
                    p.WriteInt64(d);
                }));
            }
        });
        var tensorType = Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteInt32(type);
            Sub(o, 2, shape);
        });
        return Message(o =>
        {
            Text(o, 1, name);
            Sub(o, 2, Message(p => Sub(p, 1, tensorType)));
        });
    }

    private static void Text(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void Sub(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(message));
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var ms = new MemoryStream();
        using (var o = new CodedOutputStream(ms, leaveOpen: true))
        {
            write(o);
        }

        return ms.ToArray();
    }
}
