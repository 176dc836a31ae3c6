using System.Runtime.InteropServices;

namespace Biometrics.Vision.Imaging;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library, EntryPoint = "bn_qr_detector_create")]
    internal static partial int QrDetectorCreate(out QrDetectorHandle detector);

    [LibraryImport(Library, EntryPoint = "bn_qr_detector_free")]
    internal static partial void QrDetectorFree(nint detector);

    [LibraryImport(Library, EntryPoint = "bn_qr_detect_decode")]
    internal static partial int QrDetectDecode(QrDetectorHandle detector, MatHandle image, out int found, float* corners8, out byte* text, out long textLength);

    [LibraryImport(Library, EntryPoint = "bn_qr_encode")]
    internal static partial int QrEncode(byte* text, int textLength, int modulePixels, int correction, out MatHandle image);
}
