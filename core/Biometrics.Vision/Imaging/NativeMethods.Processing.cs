using System.Runtime.InteropServices;

namespace Biometrics.Vision.Imaging;

internal static unsafe partial class NativeMethods
{
    internal const int ColorBgr2Rgb = 0;
    internal const int ColorBgr2Gray = 1;
    internal const int ColorGray2Bgr = 2;

    [LibraryImport(Library, EntryPoint = "bn_resize")]
    internal static partial int Resize(MatHandle src, int width, int height, int interpolation, out MatHandle dst);

    [LibraryImport(Library, EntryPoint = "bn_convert_color")]
    internal static partial int ConvertColor(MatHandle src, int conversion, out MatHandle dst);

    [LibraryImport(Library, EntryPoint = "bn_crop")]
    internal static partial int Crop(MatHandle src, int x, int y, int width, int height, out MatHandle dst);

    [LibraryImport(Library, EntryPoint = "bn_flip")]
    internal static partial int Flip(MatHandle src, int flipCode, out MatHandle dst);

    [LibraryImport(Library, EntryPoint = "bn_warp_affine")]
    internal static partial int WarpAffine(MatHandle src, double* m2x3, int width, int height, out MatHandle dst);

    [LibraryImport(Library, EntryPoint = "bn_laplacian_variance")]
    internal static partial int LaplacianVariance(MatHandle src, out double value);

    [LibraryImport(Library, EntryPoint = "bn_mean_brightness")]
    internal static partial int MeanBrightness(MatHandle src, out double value);

    [LibraryImport(Library, EntryPoint = "bn_paste")]
    internal static partial int Paste(MatHandle dst, MatHandle src, int x, int y);

    [LibraryImport(Library, EntryPoint = "bn_draw_rectangle")]
    internal static partial int DrawRectangle(MatHandle mat, int x, int y, int width, int height, byte b, byte g, byte r, int thickness);

    [LibraryImport(Library, EntryPoint = "bn_draw_circle")]
    internal static partial int DrawCircle(MatHandle mat, int cx, int cy, int radius, byte b, byte g, byte r, int thickness);

    [LibraryImport(Library, EntryPoint = "bn_draw_line")]
    internal static partial int DrawLine(MatHandle mat, int x1, int y1, int x2, int y2, byte b, byte g, byte r, int thickness);

    [LibraryImport(Library, EntryPoint = "bn_draw_text")]
    internal static partial int DrawText(MatHandle mat, byte* text, int textLength, int x, int y, double scale, byte b, byte g, byte r, int thickness);
}
