using System.Runtime.InteropServices;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Source-generated P/Invoke declarations for <c>libbiometrics_native.so</c> (core/native). Only blittable
/// parameters (pointers, integers, SafeHandles) cross the boundary, so calls need no marshalling buffers.
/// Every function returns a status; callers pass it to <see cref="NativeStatus.Check(int)"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "biometrics_native";

    static NativeMethods() => NativeShim.EnsureResolver();

    [StructLayout(LayoutKind.Sequential)]
    internal struct MatInfo
    {
        public byte* Data;
        public int Width;
        public int Height;
        public int Channels;
        public int Reserved;
        public long Stride;
    }

    [LibraryImport(Library, EntryPoint = "bn_last_error")]
    internal static partial byte* LastError();

    [LibraryImport(Library, EntryPoint = "bn_abi_version")]
    internal static partial int AbiVersion();

    [LibraryImport(Library, EntryPoint = "bn_set_num_threads")]
    internal static partial int SetNumThreads(int n);

    [LibraryImport(Library, EntryPoint = "bn_bytes_free")]
    internal static partial void BytesFree(byte* data);

    [LibraryImport(Library, EntryPoint = "bn_mat_free")]
    internal static partial void MatFree(nint mat);

    [LibraryImport(Library, EntryPoint = "bn_mat_info_get")]
    internal static partial int MatInfoGet(MatHandle mat, MatInfo* info);

    [LibraryImport(Library, EntryPoint = "bn_mat_create")]
    internal static partial int MatCreate(int width, int height, int channels, out MatHandle mat);

    [LibraryImport(Library, EntryPoint = "bn_mat_from_pixels")]
    internal static partial int MatFromPixels(byte* pixels, long length, int width, int height, int channels, long stride, out MatHandle mat);

    [LibraryImport(Library, EntryPoint = "bn_mat_clone")]
    internal static partial int MatClone(MatHandle mat, out MatHandle clone);

    [LibraryImport(Library, EntryPoint = "bn_image_probe")]
    internal static partial int ImageProbe(byte* data, long length, out int format, out int width, out int height);

    [LibraryImport(Library, EntryPoint = "bn_image_decode")]
    internal static partial int ImageDecode(byte* data, long length, int grayscale, long maxPixels, out MatHandle mat);

    [LibraryImport(Library, EntryPoint = "bn_encode_jpeg")]
    internal static partial int EncodeJpeg(MatHandle mat, int quality, out byte* data, out long length);
}
