namespace Biometrics.Vision.Imaging;

public sealed unsafe partial class Image
{
    /// <summary>A resized copy.</summary>
    /// <exception cref="ArgumentException">Width or height not positive (or absurdly large).</exception>
    public Image Resize(int width, int height, Interpolation interp = Interpolation.Linear)
    {
        var status = NativeMethods.Resize(Handle, width, height, (int)interp, out var handle);
        return new Image(NativeStatus.Check(status, handle));
    }

    /// <summary>A 1-channel grey copy (BT.601 luma); a copy when already grey.</summary>
    public Image ToGray() => Convert(NativeMethods.ColorBgr2Gray);

    /// <summary>A 3-channel copy with the channels in R, G, B order (what the face models expect).</summary>
    /// <exception cref="ArgumentException">The image is grey.</exception>
    public Image ToRgb() => Convert(NativeMethods.ColorBgr2Rgb);

    /// <summary>A 3-channel BGR copy (grey replicated); a copy when already 3 channels.</summary>
    public Image ToBgr() => Convert(NativeMethods.ColorGray2Bgr);

    /// <summary>
    /// A copy of the rectangle, clamped to the image: parts outside are cut off, so the result may be
    /// smaller than asked.
    /// </summary>
    /// <exception cref="ArgumentException">The rectangle does not overlap the image at all.</exception>
    public Image Crop(int x, int y, int w, int h)
    {
        var status = NativeMethods.Crop(Handle, x, y, w, h, out var handle);
        return new Image(NativeStatus.Check(status, handle));
    }

    /// <summary>A horizontally mirrored copy (left and right swapped).</summary>
    public Image Flip()
    {
        var status = NativeMethods.Flip(Handle, 1, out var handle);
        return new Image(NativeStatus.Check(status, handle));
    }

    /// <summary>
    /// Warps with the 2x3 affine matrix <paramref name="m2x3"/> (row-major a, b, tx, c, d, ty), which maps
    /// source coordinates to destination coordinates, into a new <paramref name="width"/> x
    /// <paramref name="height"/> image; bilinear interpolation, pixels from outside the source are 0.
    /// </summary>
    public Image WarpAffine(ReadOnlySpan<double> m2x3, int width, int height)
    {
        if (m2x3.Length != 6)
        {
            throw new ArgumentException($"an affine matrix has 6 elements (2x3), not {m2x3.Length}", nameof(m2x3));
        }

        fixed (double* m = m2x3)
        {
            var status = NativeMethods.WarpAffine(Handle, m, width, height, out var handle);
            return new Image(NativeStatus.Check(status, handle));
        }
    }

    /// <summary>
    /// Sharpness: the variance of the Laplacian (kernel [0 1 0; 1 -4 1; 0 1 0]) of the grey image. Higher is
    /// sharper; a blurred or flat image scores near 0. The value depends on the image size and content, so
    /// compare it on crops of the same size (e.g. the aligned 112x112 face).
    /// </summary>
    public double LaplacianVariance()
    {
        NativeStatus.Check(NativeMethods.LaplacianVariance(Handle, out var value));
        return value;
    }

    /// <summary>Mean grey level from 0 (black) to 255 (white).</summary>
    public double MeanBrightness()
    {
        NativeStatus.Check(NativeMethods.MeanBrightness(Handle, out var value));
        return value;
    }

    private Image Convert(int conversion)
    {
        var status = NativeMethods.ConvertColor(Handle, conversion, out var handle);
        return new Image(NativeStatus.Check(status, handle));
    }
}
