using System.Buffers;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Writes frames to a video file. The default codec, MJPG in an <c>.avi</c> container, uses OpenCV's built-in
/// writer and needs no codec library. The file is complete only after <see cref="Dispose"/>. Not thread-safe.
/// </summary>
public sealed unsafe class VideoWriter : IDisposable
{
    private readonly WriterHandle _handle;

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

        var code = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            code[i] = (byte)fourcc[i];
        }

        var buffer = Image.RentUtf8(path, out var length);
        try
        {
            fixed (byte* p = buffer)
            {
                var status = NativeMethods.WriterOpen(p, length, code, fps, width, height, isColor ? 1 : 0, out var handle);
                _handle = NativeStatus.Check(status, handle);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

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
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        NativeStatus.Check(NativeMethods.WriterWrite(_handle, frame.Handle));
        FramesWritten++;
    }

    /// <summary>Finalises the file and releases the writer.</summary>
    public void Dispose() => _handle.Dispose();
}
