using System.Runtime.InteropServices;

namespace Biometrics.Vision.Imaging;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library, EntryPoint = "bn_capture_open_path")]
    internal static partial int CaptureOpenPath(byte* path, int pathLength, out CaptureHandle capture);

    [LibraryImport(Library, EntryPoint = "bn_capture_open_index")]
    internal static partial int CaptureOpenIndex(int index, out CaptureHandle capture);

    [LibraryImport(Library, EntryPoint = "bn_capture_read")]
    internal static partial int CaptureRead(CaptureHandle capture, out MatHandle frame);

    [LibraryImport(Library, EntryPoint = "bn_capture_properties")]
    internal static partial int CaptureProperties(CaptureHandle capture, out double fps, out int width, out int height, out long frameCount);

    [LibraryImport(Library, EntryPoint = "bn_capture_free")]
    internal static partial void CaptureFree(nint capture);

    [LibraryImport(Library, EntryPoint = "bn_writer_open")]
    internal static partial int WriterOpen(byte* path, int pathLength, byte* fourcc, double fps, int width, int height, int isColor, out WriterHandle writer);

    [LibraryImport(Library, EntryPoint = "bn_writer_write")]
    internal static partial int WriterWrite(WriterHandle writer, MatHandle frame);

    [LibraryImport(Library, EntryPoint = "bn_writer_free")]
    internal static partial void WriterFree(nint writer);
}
