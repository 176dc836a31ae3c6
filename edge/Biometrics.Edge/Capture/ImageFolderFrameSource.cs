namespace Biometrics.Edge.Capture;

/// <summary>
/// Frames from a folder of images (<c>.jpg .jpeg .png .bmp</c>), in ordinal name order, at a given frame rate, replayed
/// per <see cref="PacingMode"/>. A file that cannot be read or decoded is skipped (<see cref="FrameSkipped"/>) and the next
/// one delivered. Not thread-safe.
/// </summary>
public sealed class ImageFolderFrameSource : IFrameSource
{
    private static readonly string[] s_extensions = [".jpg", ".jpeg", ".png", ".bmp"];
    private readonly string[] _files;
    private readonly FramePacer? _pacer;
    private long _next;
    private long _dropped;

    /// <summary>Lists the images of <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no image.</exception>
    public ImageFolderFrameSource(string folder, double framesPerSecond, PacingMode pacing)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"'{folder}' is not a folder");
        }

        _files = ListImages(folder);
        if (_files.Length == 0)
        {
            throw new InvalidDataException($"'{folder}' holds no .jpg, .jpeg, .png or .bmp image");
        }

        FramesPerSecond = framesPerSecond;
        Description = folder;
        _pacer = pacing == PacingMode.RealTime ? new FramePacer(framesPerSecond) : null;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double FramesPerSecond { get; }

    /// <inheritdoc />
    public bool IsLive => false;

    /// <inheritdoc />
    public long DroppedFrames => _dropped;

    /// <inheritdoc />
    public event Action<long, string>? FrameSkipped;

    /// <summary>The image files in delivery order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The images of <paramref name="folder"/> (not recursive), in ordinal name order.</summary>
    public static string[] ListImages(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => s_extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <inheritdoc />
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_pacer is not null && _next < _files.Length)
            {
                var (skip, wait) = _pacer.Plan(_next);
                skip = Math.Min(skip, _files.Length - _next - 1);
                _next += skip;
                _dropped += skip;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }

            if (_next >= _files.Length)
            {
                return null;
            }

            var index = _next++;
            try
            {
                var image = Vision.Imaging.Image.Load(_files[index]);
                return new Frame(image, index, TimeSpan.FromSeconds(index / FramesPerSecond), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }
            catch (Exception e) when (e is Vision.Imaging.ImageDecodeException or IOException or UnauthorizedAccessException)
            {
                // The decoder's message names the file; a file that vanished or cannot be opened is named here.
                FrameSkipped?.Invoke(index, e is Vision.Imaging.ImageDecodeException ? e.Message : $"{_files[index]}: {e.Message}");
            }
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}
