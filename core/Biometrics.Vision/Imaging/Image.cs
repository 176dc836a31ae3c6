using System.Buffers;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// An 8-bit image owned by the native OpenCV shim (a <c>cv::Mat</c>): 3 channels in BGR order or 1 grey
/// channel, rows stored contiguously (<see cref="Stride"/> == <see cref="Width"/> * <see cref="Channels"/>).
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

    private readonly MatHandle _handle;
    private readonly byte* _data;

    private Image(MatHandle handle)
    {
        _handle = handle;
        NativeMethods.MatInfo info;
        var status = NativeMethods.MatInfoGet(handle, &info);
        if (status != NativeStatus.Ok)
        {
            handle.Dispose();
            NativeStatus.Throw(status);
        }

        _data = info.Data;
        Width = info.Width;
        Height = info.Height;
        Channels = info.Channels;
        Stride = checked((int)info.Stride);
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
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return new ReadOnlySpan<byte>(_data, Stride * Height);
        }
    }

    /// <summary>Writable view of the pixel bytes (the image is changed in place).</summary>
    public Span<byte> PixelsMutable
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return new Span<byte>(_data, Stride * Height);
        }
    }

    internal MatHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
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
        fixed (byte* p = bytes)
        {
            var status = NativeMethods.ImageDecode(p, bytes.Length, grayscale: 0, maxPixels, out var handle);
            return new Image(NativeStatus.Check(status, handle));
        }
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
        fixed (byte* p = bytes)
        {
            NativeStatus.Check(NativeMethods.ImageProbe(p, bytes.Length, out _, out var width, out var height));
            return (width, height);
        }
    }

    /// <summary>Copies tightly packed pixels (BGR when 3 channels, grey when 1) into a new image.</summary>
    /// <exception cref="ArgumentException">Bad size, channel count, or too few bytes.</exception>
    public static Image FromPixels(ReadOnlySpan<byte> bgr, int width, int height, int channels)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (BGR)");
        }

        fixed (byte* p = bgr)
        {
            var status = NativeMethods.MatFromPixels(p, bgr.Length, width, height, channels, (long)width * channels, out var handle);
            return new Image(NativeStatus.Check(status, handle));
        }
    }

    /// <summary>A new black image.</summary>
    public static Image Create(int width, int height, int channels = 3)
    {
        var status = NativeMethods.MatCreate(width, height, channels, out var handle);
        return new Image(NativeStatus.Check(status, handle));
    }

    /// <summary>A deep copy.</summary>
    public Image Clone()
    {
        var status = NativeMethods.MatClone(Handle, out var handle);
        return new Image(NativeStatus.Check(status, handle));
    }

    /// <summary>Encodes as JPEG (quality 1..100).</summary>
    public byte[] EncodeJpeg(int quality = 90)
    {
        var status = NativeMethods.EncodeJpeg(Handle, quality, out var data, out var length);
        NativeStatus.Check(status);
        try
        {
            return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
        }
        finally
        {
            NativeMethods.BytesFree(data);
        }
    }

    /// <summary>Releases the native image. Safe to call more than once.</summary>
    public void Dispose() => _handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"Image {Width}x{Height}x{Channels}";

    internal static Image Wrap(MatHandle handle) => new(handle);

    /// <summary>Encodes a string as UTF-8 into a pooled buffer (caller returns it).</summary>
    internal static byte[] RentUtf8(string text, out int length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length) + 1);
        length = System.Text.Encoding.UTF8.GetBytes(text, buffer);
        return buffer;
    }
}
