using System.Globalization;

namespace Biometrics.Edge.Cli;

/// <summary>One stretch of a lane video made by <c>make-video</c>: a photo (null: an empty lane) held for <paramref name="Frames"/> frames.</summary>
public sealed record LaneScene(string? Photo, int Frames)
{
    /// <summary>Most frames one scene may hold.</summary>
    public const int MaxFrames = 100_000;

    /// <summary>Parses <c>PHOTO</c>, <c>PHOTO:FRAMES</c>, <c>blank</c> or <c>blank:FRAMES</c>; without a count the scene holds <paramref name="hold"/> frames.</summary>
    /// <exception cref="CommandLineException">A bad frame count, or no file at the path.</exception>
    public static LaneScene Parse(string spec, int hold)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var frames = hold;
        var colon = spec.LastIndexOf(':');
        if (colon > 0 && spec[(colon + 1)..] is { Length: > 0 } count && count.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out frames) || frames is < 1 or > MaxFrames)
            {
                throw new CommandLineException($"scene '{spec}': the frame count must be 1 to {MaxFrames}");
            }

            spec = spec[..colon];
        }

        return spec == "blank" ? new LaneScene(null, frames) : new LaneScene(PipelineOptions.ExistingFile(spec), frames);
    }
}
