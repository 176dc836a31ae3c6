using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Reads frames from a video file, a URL (RTSP/HTTP, whatever OpenCV's FFmpeg or GStreamer back ends accept)
/// or a camera. Frames are 8-bit BGR <see cref="Image"/>s owned by the caller. Not thread-safe: use one
/// instance from one thread at a time.
/// </summary>
public sealed unsafe class VideoCapture : IDisposable
{
    private readonly CaptureHandle _handle;

    private VideoCapture(CaptureHandle handle, string source)
    {
        _handle = handle;
        Source = source;
    }

    /// <summary>The path, URL or <c>camera:N</c> this capture was opened on.</summary>
    public string Source { get; }

    /// <summary>Frames per second reported by the source; 0 when unknown.</summary>
    public double Fps => Properties().Fps;

    /// <summary>Frame width in pixels; 0 when unknown.</summary>
    public int Width => Properties().Width;

    /// <summary>Frame height in pixels; 0 when unknown.</summary>
    public int Height => Properties().Height;

    /// <summary>Number of frames in a file (an estimate for some containers); 0 for live sources or when unknown.</summary>
    public long FrameCount => Properties().FrameCount;

    /// <summary>Opens a video file or a stream URL.</summary>
    /// <exception cref="IOException">The source cannot be opened.</exception>
    public static VideoCapture Open(string pathOrUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrUrl);
        var buffer = Image.RentUtf8(pathOrUrl, out var length);
        try
        {
            fixed (byte* p = buffer)
            {
                var status = NativeMethods.CaptureOpenPath(p, length, out var handle);
                return new VideoCapture(NativeStatus.Check(status, handle), pathOrUrl);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Opens a camera by index (0 = the first video device).</summary>
    /// <exception cref="IOException">No such camera, or it is busy.</exception>
    public static VideoCapture Open(int cameraIndex)
    {
        var status = NativeMethods.CaptureOpenIndex(cameraIndex, out var handle);
        return new VideoCapture(NativeStatus.Check(status, handle), $"camera:{cameraIndex}");
    }

    /// <summary>Reads the next frame; false at the end of the stream.</summary>
    public bool TryRead([NotNullWhen(true)] out Image? frame)
    {
        frame = Read();
        return frame is not null;
    }

    /// <summary>The next frame, or null at the end of the stream.</summary>
    public Image? Read()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var status = NativeMethods.CaptureRead(_handle, out var handle);
        if (status != NativeStatus.Ok || handle.IsInvalid)
        {
            handle.Dispose();
            NativeStatus.Check(status);
            return null;
        }

        return Image.Wrap(handle);
    }

    /// <summary>Closes the source.</summary>
    public void Dispose() => _handle.Dispose();

    private (double Fps, int Width, int Height, long FrameCount) Properties()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        NativeStatus.Check(NativeMethods.CaptureProperties(_handle, out var fps, out var width, out var height, out var count));
        return (fps, width, height, count);
    }
}
