using System.Globalization;
using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// An 8-bit image over an OpenCV <c>cv::Mat</c> (OpenCvSharp): 3 channels in BGR order or 1 grey channel, rows stored
/// contiguously (<see cref="Stride"/> == <see cref="Width"/> * <see cref="Channels"/>).
/// </summary>
/// <remarks>
/// Every operation except the <c>Draw*</c> helpers and <see cref="Paste"/> returns a new image and leaves this
/// one unchanged. Thread-safety: concurrent read-only use (processing, encoding, <see cref="Pixels"/>) is safe;
/// mutation (<see cref="PixelsMutable"/>, drawing, <see cref="Paste"/>) needs exclusive access. Spans obtained
/// from <see cref="Pixels"/> must not be used after <see cref="Dispose"/>.
/// </remarks>
public sealed unsafe partial class Image : IDisposable
{
    /// <summary>Default limit of <see cref="Decode(ReadOnlySpan{byte})"/>: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>Largest width or height of an image made here (keeps sizes far from integer overflow).</summary>
    private const int MaxSide = 1 << 16;

    /// <summary>Largest pixel count of an image made here.</summary>
    private const long MaxPixels = 400_000_000;

    private readonly Mat _mat;
    private readonly byte* _data;

    /// <summary>Takes ownership of <paramref name="mat"/>, which must be 8-bit with 1 or 3 channels.</summary>
    private Image(Mat mat)
    {
        if (mat.Empty() || (mat.Type() != MatType.CV_8UC3 && mat.Type() != MatType.CV_8UC1))
        {
            var type = mat.Empty() ? "empty" : mat.Type().ToString();
            mat.Dispose();
            throw new InvalidOperationException($"OpenCV returned an image of type {type}; 8-bit BGR or grey was expected");
        }

        if (!mat.IsContinuous())
        {
            using var view = mat;
            mat = view.Clone();
        }

        _mat = mat;
        _data = mat.DataPointer; // fixed for the image's life: nothing here reallocates a Mat in place
        Width = mat.Cols;
        Height = mat.Rows;
        Channels = mat.Channels();
        Stride = checked((int)mat.Step());
    }

    /// <summary>Width in pixels (&gt;= 1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (&gt;= 1).</summary>
    public int Height { get; }

    /// <summary>3 (BGR, or RGB after <see cref="ToRgb"/>) or 1 (grey).</summary>
    public int Channels { get; }

    /// <summary>Bytes per row; equal to <see cref="Width"/> * <see cref="Channels"/>.</summary>
    public int Stride { get; }

    /// <summary>All pixel bytes, row after row (<see cref="Stride"/> * <see cref="Height"/> bytes).</summary>
    public ReadOnlySpan<byte> Pixels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mat.IsDisposed, this);
            return new(_data, Stride * Height);
        }
    }

    /// <summary>Writable view of the pixel bytes (the image is changed in place).</summary>
    public Span<byte> PixelsMutable
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mat.IsDisposed, this);
            return new(_data, Stride * Height);
        }
    }

    /// <summary>The OpenCV matrix; throws once the image is disposed.</summary>
    internal Mat Mat
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mat.IsDisposed, this);
            return _mat;
        }
    }

    /// <summary>
    /// Decodes a JPEG, PNG, BMP or WebP image into 8-bit BGR, applying the EXIF orientation of JPEG files (so a
    /// portrait photo taken with a rotated phone comes out upright). The header is read first; images over
    /// <see cref="DefaultMaxPixels"/> are rejected before any pixel memory is allocated.
    /// </summary>
    /// <exception cref="ImageDecodeException">Empty, unsupported, corrupt, truncated or too large input.</exception>
    public static Image Decode(ReadOnlySpan<byte> bytes) => Decode(bytes, DefaultMaxPixels);

    /// <summary>As <see cref="Decode(ReadOnlySpan{byte})"/> with an explicit pixel limit (width * height).</summary>
    public static Image Decode(ReadOnlySpan<byte> bytes, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        var header = ImageHeader.Read(bytes);
        var pixels = header.Width * header.Height;
        if (pixels > maxPixels)
        {
            throw new ImageDecodeException(
                string.Create(CultureInfo.InvariantCulture, $"image is {header.Width}x{header.Height} ({pixels / 1e6:F1} megapixels); the limit is {maxPixels / 1e6:F1} megapixels"),
                ImageDecodeError.TooLarge);
        }

        // ImreadModes.Color without IgnoreOrientation applies the EXIF orientation. OpenCV answers undecodable
        // data with an empty matrix (or, for some codecs, an exception): both become one clear error.
        Mat? decoded = null;
        try
        {
            decoded = Cv2.ImDecode(bytes, ImreadModes.Color);
        }
        catch (OpenCVException)
        {
        }

        if (decoded is null || decoded.Empty())
        {
            decoded?.Dispose();
            throw new ImageDecodeException(
                $"corrupt or truncated {header.Format}: the {header.Width}x{header.Height} image could not be decoded", ImageDecodeError.Corrupt);
        }

        return new Image(decoded);
    }

    /// <summary>Reads a file and decodes it as <see cref="Decode(ReadOnlySpan{byte})"/> does.</summary>
    /// <exception cref="ImageDecodeException">The file is not a decodable image (the message names the file).</exception>
    public static Image Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Decode(bytes);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"{path}: {e.Message}", e.Reason);
        }
    }

    /// <summary>
    /// Reads only the header of an encoded image: its size, without decoding pixels.
    /// </summary>
    /// <exception cref="ImageDecodeException">Unsupported format or damaged header.</exception>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> bytes)
    {
        var header = ImageHeader.Read(bytes);
        return ((int)header.Width, (int)header.Height);
    }

    /// <summary>Copies tightly packed pixels (BGR when 3 channels, grey when 1) into a new image.</summary>
    /// <exception cref="ArgumentException">Bad size, channel count, or too few bytes.</exception>
    public static Image FromPixels(ReadOnlySpan<byte> bgr, int width, int height, int channels)
    {
        CheckChannels(channels);
        CheckSize(width, height);
        var needed = (long)width * height * channels;
        if (bgr.Length < needed)
        {
            throw new ArgumentException($"{bgr.Length} bytes given, {width}x{height}x{channels} needs {needed}", nameof(bgr));
        }

        var image = new Image(new Mat(height, width, MatType.CV_8UC(channels)));
        bgr[..(int)needed].CopyTo(image.PixelsMutable);
        return image;
    }

    /// <summary>A new black image.</summary>
    /// <exception cref="ArgumentException">Bad size or channel count (1 or 3).</exception>
    public static Image Create(int width, int height, int channels = 3)
    {
        CheckChannels(channels);
        CheckSize(width, height);
        return new Image(new Mat(height, width, MatType.CV_8UC(channels), Scalar.All(0)));
    }

    /// <summary>
    /// Sets how many worker threads OpenCV itself may use inside one call (resize, warp, colour conversion).
    /// <paramref name="threads"/> &lt;= 0 restores OpenCV's default (one per core). Callers that already run
    /// images in parallel (one per core) should set 1 so the two levels do not oversubscribe the CPU.
    /// </summary>
    public static void SetThreadCount(int threads) => Cv2.SetNumThreads(threads <= 0 ? -1 : threads);

    /// <summary>A deep copy.</summary>
    public Image Clone() => new(Mat.Clone());

    /// <summary>Encodes as JPEG (quality 1..100).</summary>
    public byte[] EncodeJpeg(int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        Cv2.ImEncode(".jpg", Mat, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg;
    }

    /// <summary>Releases the pixels. Safe to call more than once.</summary>
    public void Dispose() => _mat.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"Image {Width}x{Height}x{Channels}";

    /// <summary>Takes ownership of a matrix made by OpenCV (8-bit, 1 or 3 channels).</summary>
    internal static Image Wrap(Mat mat) => new(mat);

    private static void CheckChannels(int channels)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (BGR)");
        }
    }

    /// <summary>Sizes of images made here: positive, at most 65536 a side and 400 megapixels.</summary>
    private static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0 || width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
        {
            throw new ArgumentException($"invalid image size {width}x{height} (each side 1..{MaxSide}, at most {MaxPixels / 1_000_000} megapixels)");
        }
    }
}
