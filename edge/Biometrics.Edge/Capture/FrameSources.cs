using System.Globalization;

namespace Biometrics.Edge.Capture;

/// <summary>Opens a frame source from its command-line spelling.</summary>
public static class FrameSources
{
    /// <summary>
    /// Opens <paramref name="spec"/>: a whole number is a camera index; <c>scheme://...</c> a stream URL; an existing
    /// folder a folder of images (at <paramref name="framesPerSecond"/>); anything else a video file (whose own frame rate
    /// is used, or <paramref name="framesPerSecond"/> when it has none).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither a folder nor a file exists at the path.</exception>
    /// <exception cref="IOException">The camera, stream or file cannot be opened.</exception>
    public static IFrameSource Open(string spec, double framesPerSecond, PacingMode pacing)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        if (int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out var camera))
        {
            return VideoFrameSource.OpenCamera(camera);
        }

        if (spec.Contains("://", StringComparison.Ordinal))
        {
            return VideoFrameSource.OpenStream(spec);
        }

        if (Directory.Exists(spec))
        {
            return new ImageFolderFrameSource(spec, framesPerSecond, pacing);
        }

        if (!File.Exists(spec))
        {
            throw new FileNotFoundException($"source '{spec}' is not a camera index, a URL, a folder or an existing file", spec);
        }

        return VideoFrameSource.OpenFile(spec, pacing, framesPerSecond);
    }
}
