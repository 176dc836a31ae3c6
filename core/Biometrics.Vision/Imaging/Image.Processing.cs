using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

public sealed unsafe partial class Image
{
    /// <summary>A resized copy.</summary>
    /// <exception cref="ArgumentException">Width or height not positive (or absurdly large).</exception>
    public Image Resize(int width, int height, Interpolation interp = Interpolation.Linear)
    {
        CheckSize(width, height);
        if (!Enum.IsDefined(interp))
        {
            throw new ArgumentOutOfRangeException(nameof(interp), interp, "unknown interpolation");
        }

        var dst = new Mat();
        Cv2.Resize(Mat, dst, new Size(width, height), 0, 0, (InterpolationFlags)interp);
        return new Image(dst);
    }

    /// <summary>A 1-channel grey copy (BT.601 luma); a copy when already grey.</summary>
    public Image ToGray() => Channels == 1 ? Clone() : Convert(ColorConversionCodes.BGR2GRAY);

    /// <summary>A 3-channel copy with the channels in R, G, B order (what the face models expect).</summary>
    /// <exception cref="ArgumentException">The image is grey.</exception>
    public Image ToRgb() =>
        Channels == 3 ? Convert(ColorConversionCodes.BGR2RGB) : throw new ArgumentException("BGR to RGB needs a 3-channel image, not a grey one");

    /// <summary>A 3-channel BGR copy (grey replicated); a copy when already 3 channels.</summary>
    public Image ToBgr() => Channels == 3 ? Clone() : Convert(ColorConversionCodes.GRAY2BGR);

    /// <summary>
    /// A copy of the rectangle, clamped to the image: parts outside are cut off, so the result may be
    /// smaller than asked.
    /// </summary>
    /// <exception cref="ArgumentException">The rectangle does not overlap the image at all.</exception>
    public Image Crop(int x, int y, int w, int h)
    {
        var source = Mat;
        // 64-bit arithmetic: x + w must not overflow.
        long x0 = Math.Max(x, 0), y0 = Math.Max(y, 0);
        long x1 = Math.Min((long)x + w, Width), y1 = Math.Min((long)y + h, Height);
        if (w <= 0 || h <= 0 || x1 <= x0 || y1 <= y0)
        {
            throw new ArgumentException($"rectangle (x={x}, y={y}, {w}x{h}) does not overlap the {Width}x{Height} image");
        }

        using var view = new Mat(source, new Rect((int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0)));
        return new Image(view.Clone());
    }

    /// <summary>A horizontally mirrored copy (left and right swapped).</summary>
    public Image Flip()
    {
        var dst = new Mat();
        Cv2.Flip(Mat, dst, FlipMode.Y);
        return new Image(dst);
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

        foreach (var v in m2x3)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("the affine matrix contains NaN or infinity", nameof(m2x3));
            }
        }

        CheckSize(width, height);
        var source = Mat;
        fixed (double* m = m2x3)
        {
            using var matrix = Mat.FromPixelData(2, 3, MatType.CV_64FC1, (nint)m);
            var dst = new Mat();
            Cv2.WarpAffine(source, dst, matrix, new Size(width, height), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
            return new Image(dst);
        }
    }

    /// <summary>
    /// Sharpness: the variance of the Laplacian (kernel [0 1 0; 1 -4 1; 0 1 0]) of the grey image. Higher is
    /// sharper; a blurred or flat image scores near 0. The value depends on the image size and content, so
    /// compare it on crops of the same size (e.g. the aligned 112x112 face).
    /// </summary>
    public double LaplacianVariance()
    {
        using var grey = Grey();
        using var laplacian = new Mat();
        Cv2.Laplacian(grey, laplacian, MatType.CV_64F, 1);
        Cv2.MeanStdDev(laplacian, out _, out var stddev);
        return stddev.Val0 * stddev.Val0;
    }

    /// <summary>Mean grey level from 0 (black) to 255 (white).</summary>
    public double MeanBrightness()
    {
        using var grey = Grey();
        return Cv2.Mean(grey).Val0;
    }

    /// <summary>The grey matrix: a new header over this image's pixels when grey, else a converted copy.</summary>
    private Mat Grey()
    {
        if (Channels == 1)
        {
            return new Mat(Mat, new Rect(0, 0, Width, Height));
        }

        var grey = new Mat();
        Cv2.CvtColor(Mat, grey, ColorConversionCodes.BGR2GRAY);
        return grey;
    }

    private Image Convert(ColorConversionCodes code)
    {
        var dst = new Mat();
        Cv2.CvtColor(Mat, dst, code);
        return new Image(dst);
    }
}
