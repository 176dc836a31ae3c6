using System.Runtime.InteropServices;
using Biometrics.Onnx.Interop;

namespace Biometrics.Onnx;

/// <summary>Reading input and output metadata when the session is created.</summary>
public sealed partial class InferenceSession
{
    private static unsafe IReadOnlyDictionary<string, NodeMetadata> ReadMetadata(nint session, bool input)
    {
        nuint count;
        OrtNative.Check(input ? OrtNative.SessionGetInputCount(session, &count) : OrtNative.SessionGetOutputCount(session, &count));
        var allocator = OrtNative.DefaultAllocator();
        var result = new OrderedMetadata();
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            OrtNative.Check(input
                ? OrtNative.SessionGetInputName(session, i, allocator, &rawName)
                : OrtNative.SessionGetOutputName(session, i, allocator, &rawName));
            string name;
            try
            {
                name = Marshal.PtrToStringUTF8((nint)rawName) ?? "";
            }
            finally
            {
                OrtNative.Check(OrtNative.AllocatorFree(allocator, rawName));
            }

            nint typeInfo;
            OrtNative.Check(input
                ? OrtNative.SessionGetInputTypeInfo(session, i, &typeInfo)
                : OrtNative.SessionGetOutputTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = new OrtTypeInfoHandle(typeInfo);
            nint tensorInfo;
            OrtNative.Check(OrtNative.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            if (tensorInfo == 0)
            {
                result.Add(name, new NodeMetadata(name, false, TensorElementType.Undefined, Array.Empty<long>()));
                continue;
            }

            // tensorInfo is owned by typeInfo: not released separately.
            int type;
            nuint rank;
            OrtNative.Check(OrtNative.GetTensorElementType(tensorInfo, &type));
            OrtNative.Check(OrtNative.GetDimensionsCount(tensorInfo, &rank));
            var dims = new long[(int)rank];
            fixed (long* d = dims)
            {
                OrtNative.Check(OrtNative.GetDimensions(tensorInfo, d, rank));
            }

            for (var k = 0; k < dims.Length; k++)
            {
                if (dims[k] < 0)
                {
                    dims[k] = -1;
                }
            }

            result.Add(name, new NodeMetadata(name, true, (TensorElementType)type, Array.AsReadOnly(dims)));
        }

        return result;
    }
}
