using System.CommandLine;
using System.Globalization;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary>
/// <c>make-video OUT.avi SCENE...</c>: a lane test video from photos, for <c>gate</c>. Each scene is a photo filling the
/// frame (scaled to cover it, the overflow cropped, as a camera close to the traveller sees a face) or an empty lane
/// (a grey wall), held for a number of frames; written as MJPG in an <c>.avi</c> with the Vision video writer.
/// </summary>
public sealed class MakeVideoCommand : Command
{
    private static readonly BgrColor s_wall = new(120, 125, 130);

    private readonly Argument<string> _output = new("OUT.avi") { Description = "The video file to write (MJPG in AVI; overwritten)." };
    private readonly Argument<string[]> _scenes = new("SCENE")
    {
        Description = "PHOTO or blank (an empty lane), each held --hold frames, or PHOTO:FRAMES / blank:FRAMES for another count.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<double?> _fps = CliOptions.Double("--fps", "N", "Frame rate stored in the file (default 10).", 1, 120);
    private readonly Option<int?> _hold = CliOptions.Int("--hold", "N", "Frames each scene is held when it gives no count (default 20: 2 s at 10 fps).", 1, LaneScene.MaxFrames);
    private readonly Option<int?> _width = CliOptions.Int("--width", "PX", "Frame width (default 640).", 64, 4096);
    private readonly Option<int?> _height = CliOptions.Int("--height", "PX", "Frame height (default 480).", 64, 4096);
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public MakeVideoCommand(CommandContext context)
        : base("make-video",
            "Make a lane test video from photos: each photo fills the frame for a number of frames, 'blank' is an empty lane.\n" +
            "Example: biometrics-gate make-video lane.avi blank:10 img1.jpg:15 blank:15 img15.jpg:40 (then: biometrics-gate gate lane.avi ...)")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Arguments.Add(_output);
        Arguments.Add(_scenes);
        Options.Add(_fps);
        Options.Add(_hold);
        Options.Add(_width);
        Options.Add(_height);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var output = parsed.GetRequiredValue(_output);
        if (!output.EndsWith(".avi", StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandLineException($"'{output}': the video is MJPG in an .avi file; name it .avi");
        }

        var hold = parsed.GetValue(_hold) ?? 20;
        var scenes = parsed.GetRequiredValue(_scenes).Select(s => LaneScene.Parse(s, hold)).ToArray();
        var fps = parsed.GetValue(_fps) ?? 10;
        var width = parsed.GetValue(_width) ?? 640;
        var height = parsed.GetValue(_height) ?? 480;
        var frames = Write(output, fps, width, height, scenes, _context.CancellationToken);
        await _context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {frames} frames of {width}x{height} at {fps} fps ({frames / fps:F1} s), {scenes.Length} scenes")).ConfigureAwait(false);
        return CommandDispatcher.Success;
    }

    /// <summary>Writes the video; returns the number of frames.</summary>
    public static long Write(string path, double fps, int width, int height, IReadOnlyList<LaneScene> scenes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        using var writer = new VideoWriter(path, fps, width, height);
        foreach (var scene in scenes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var frame = Render(scene.Photo, width, height);
            for (var i = 0; i < scene.Frames; i++)
            {
                writer.Write(frame);
            }
        }

        return writer.FramesWritten;
    }

    /// <summary>One frame: the photo scaled to cover <paramref name="width"/> x <paramref name="height"/> and centred, or a grey wall.</summary>
    public static Image Render(string? photoPath, int width, int height)
    {
        var frame = Image.Create(width, height);
        frame.DrawRectangle(0, 0, width, height, s_wall, thickness: -1);
        if (photoPath is null)
        {
            return frame;
        }

        try
        {
            using var photo = Image.Load(photoPath);
            var scale = Math.Max(width / (double)photo.Width, height / (double)photo.Height);
            using var covered = photo.Resize(Math.Max(width, (int)Math.Ceiling(photo.Width * scale)), Math.Max(height, (int)Math.Ceiling(photo.Height * scale)));
            using var cropped = covered.Crop((covered.Width - width) / 2, (covered.Height - height) / 2, width, height);
            frame.Paste(cropped, 0, 0);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }
}
