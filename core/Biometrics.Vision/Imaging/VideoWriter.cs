using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Writes frames to a video file. The default codec, MJPG in an <c>.avi</c> container, uses OpenCV's built-in
/// writer and needs no codec library (the OpenCvSharp runtime has no H.264 encoder). The file is complete only
/// after <see cref="Dispose"/>. Not thread-safe.
/// </summary>
public sealed class VideoWriter : IDisposable
{
    private readonly OpenCvSharp.VideoWriter _writer;
    private readonly bool _isColor;

    /// <summary>Creates (or overwrites) <paramref name="path"/>.</summary>
    /// <param name="path">Output file; use <c>.avi</c> with MJPG.</param>
    /// <param name="fps">Frame rate stored in the file.</param>
    /// <param name="width">Frame width: every frame written must have this size.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="isColor">true for BGR frames, false for grey (frames are converted as needed).</param>
    /// <param name="fourcc">Four-character codec code.</param>
    /// <exception cref="IOException">The file cannot be created with this codec.</exception>
    public VideoWriter(string path, double fps, int width, int height, bool isColor = true, string fourcc = "MJPG")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(fourcc);
        if (fourcc.Length != 4 || fourcc.Any(c => c is < ' ' or > '~'))
        {
            throw new ArgumentException("fourcc must be 4 printable ASCII characters, e.g. MJPG", nameof(fourcc));
        }

        if (!(fps > 0 && fps <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "fps must be in (0, 1000]");
        }

        if (width <= 0 || height <= 0 || width > 1 << 16 || height > 1 << 16)
        {
            throw new ArgumentException($"invalid frame size {width}x{height}");
        }

        // MJPG in .avi: OpenCV's own MJPEG writer needs no codec library and behaves the same everywhere.
        var builtin = fourcc == "MJPG" && path.EndsWith(".avi", StringComparison.OrdinalIgnoreCase);
        _writer = new OpenCvSharp.VideoWriter(
            path, builtin ? VideoCaptureAPIs.OPENCV_MJPEG : VideoCaptureAPIs.ANY, FourCC.FromString(fourcc), fps, new Size(width, height), isColor);
        if (!_writer.IsOpened())
        {
            _writer.Dispose();
            throw new IOException($"cannot open video writer for '{path}' with codec {fourcc} (unwritable path or unsupported codec/container)");
        }

        _isColor = isColor;
        Path = path;
        Fps = fps;
        Width = width;
        Height = height;
    }

    /// <summary>The output file.</summary>
    public string Path { get; }

    /// <summary>Frame rate.</summary>
    public double Fps { get; }

    /// <summary>Frame width.</summary>
    public int Width { get; }

    /// <summary>Frame height.</summary>
    public int Height { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Appends a frame of exactly <see cref="Width"/> x <see cref="Height"/> pixels.</summary>
    /// <exception cref="ArgumentException">The frame has another size.</exception>
    public void Write(Image frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_writer.IsDisposed, this);
        if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"frame is {frame.Width}x{frame.Height} but the video is {Width}x{Height}", nameof(frame));
        }

        if (frame.Channels == (_isColor ? 3 : 1))
        {
            _writer.Write(frame.Mat);
        }
        else
        {
            using var converted = _isColor ? frame.ToBgr() : frame.ToGray();
            _writer.Write(converted.Mat);
        }

        FramesWritten++;
    }

    /// <summary>Finalises the file and releases the writer.</summary>
    public void Dispose()
    {
        if (!_writer.IsDisposed)
        {
            _writer.Release();
            _writer.Dispose();
        }
    }
}
