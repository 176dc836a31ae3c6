using System.Diagnostics.CodeAnalysis;
using OpenCvSharp;

namespace Biometrics.Vision.Imaging;

/// <summary>
/// Reads frames from a video file, a URL (RTSP/HTTP, whatever OpenCV's FFmpeg back end accepts) or a camera.
/// Frames are 8-bit BGR <see cref="Image"/>s owned by the caller. Not thread-safe: use one instance from one
/// thread at a time.
/// </summary>
public sealed class VideoCapture : IDisposable
{
    private readonly OpenCvSharp.VideoCapture _capture;

    private VideoCapture(OpenCvSharp.VideoCapture capture, string source)
    {
        _capture = capture;
        Source = source;
    }

    /// <summary>The path, URL or <c>camera:N</c> this capture was opened on.</summary>
    public string Source { get; }

    /// <summary>Frames per second reported by the source; 0 when unknown.</summary>
    public double Fps => Property(VideoCaptureProperties.Fps);

    /// <summary>Frame width in pixels; 0 when unknown.</summary>
    public int Width => (int)Property(VideoCaptureProperties.FrameWidth);

    /// <summary>Frame height in pixels; 0 when unknown.</summary>
    public int Height => (int)Property(VideoCaptureProperties.FrameHeight);

    /// <summary>Number of frames in a file (an estimate for some containers); 0 for live sources or when unknown.</summary>
    public long FrameCount => Property(VideoCaptureProperties.FrameCount) is var n and < 9.0e18 ? (long)n : 0;

    /// <summary>Opens a video file or a stream URL.</summary>
    /// <exception cref="IOException">The source cannot be opened.</exception>
    public static VideoCapture Open(string pathOrUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrUrl);
        if (pathOrUrl.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("the video path contains a NUL character", nameof(pathOrUrl));
        }

        var capture = new OpenCvSharp.VideoCapture(pathOrUrl, VideoCaptureAPIs.ANY);
        if (!capture.IsOpened() && pathOrUrl.EndsWith(".avi", StringComparison.OrdinalIgnoreCase))
        {
            capture.Open(pathOrUrl, VideoCaptureAPIs.OPENCV_MJPEG); // OpenCV's own MJPG reader, no codec library
        }

        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new IOException($"cannot open video '{pathOrUrl}' (missing file, unsupported format or unreachable URL)");
        }

        return new VideoCapture(capture, pathOrUrl);
    }

    /// <summary>Opens a camera by index (0 = the first video device).</summary>
    /// <exception cref="IOException">No such camera, or it is busy.</exception>
    public static VideoCapture Open(int cameraIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cameraIndex);
        var capture = new OpenCvSharp.VideoCapture(cameraIndex, VideoCaptureAPIs.ANY);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new IOException($"cannot open camera {cameraIndex} (no such device or it is busy)");
        }

        return new VideoCapture(capture, $"camera:{cameraIndex}");
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
        ObjectDisposedException.ThrowIf(_capture.IsDisposed, this);
        var frame = new Mat();
        if (!_capture.Read(frame) || frame.Empty())
        {
            frame.Dispose();
            return null;
        }

        // Frames handed out are 8-bit BGR or grey whatever the back end delivers.
        if (frame.Depth() != MatType.CV_8U)
        {
            frame.ConvertTo(frame, MatType.CV_8U);
        }

        if (frame.Channels() is 4 or 2)
        {
            Cv2.CvtColor(frame, frame, frame.Channels() == 4 ? ColorConversionCodes.BGRA2BGR : ColorConversionCodes.BGR5652BGR);
        }

        return Image.Wrap(frame);
    }

    /// <summary>Closes the source.</summary>
    public void Dispose() => _capture.Dispose();

    private double Property(VideoCaptureProperties property)
    {
        ObjectDisposedException.ThrowIf(_capture.IsDisposed, this);
        var v = _capture.Get(property);
        return double.IsFinite(v) && v > 0 ? v : 0;
    }
}
