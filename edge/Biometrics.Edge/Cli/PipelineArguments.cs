using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

/// <summary>
/// Options shared by the face pipeline commands. They only set <see cref="FacePipelineOptions"/>: the commands
/// run the same <see cref="FacePipeline"/> facade as the matcher and the gate agent.
/// </summary>
public static class PipelineArguments
{
    /// <summary>Options that take a value.</summary>
    public static readonly string[] ValueOptions = ["models", "threads"];

    /// <summary>Switches.</summary>
    public static readonly string[] Flags = ["flip-average", "no-liveness"];

    /// <summary>Usage lines for the shared options.</summary>
    public const string Usage =
        "  --models DIR      folder of fr_*.onnx (default: .deps/models found by the setup script)\n" +
        "  --threads N       ONNX Runtime threads per model session (default 1)\n" +
        "  --flip-average    average the embeddings of the face and its mirror image\n" +
        "  --no-liveness     skip the liveness model";

    /// <summary>Builds the pipeline options from parsed arguments.</summary>
    public static FacePipelineOptions Options(CommandArguments args, bool fallbackToCenterCrop)
    {
        ArgumentNullException.ThrowIfNull(args);
        var models = args.Value("models");
        if (models is not null && !Directory.Exists(models))
        {
            throw new CommandLineException($"--models: folder '{models}' does not exist");
        }

        return new FacePipelineOptions
        {
            ModelsDirectory = models,
            IntraOpNumThreads = args.Int("threads", 1, 1, 64),
            FlipAverage = args.Flag("flip-average"),
            EnableLiveness = !args.Flag("no-liveness"),
            FallbackToCenterCrop = fallbackToCenterCrop,
        };
    }

    /// <summary>Parses a pipeline command's arguments (shared options plus the command's own).</summary>
    public static CommandArguments Parse(IReadOnlyList<string> args, string[]? extraValueOptions = null, string[]? extraFlags = null) =>
        CommandArguments.Parse(args, [.. ValueOptions, .. extraValueOptions ?? []], [.. Flags, .. extraFlags ?? []]);

    /// <summary>Checks that an image file exists (a clear usage error instead of a stack trace).</summary>
    public static string ExistingFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CommandLineException($"file '{path}' does not exist");
        }

        return path;
    }
}
