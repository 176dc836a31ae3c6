using System.CommandLine;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

/// <summary>
/// Options shared by the commands that run the face pipeline. They only set <see cref="FacePipelineOptions"/>: the
/// commands run the same <see cref="FacePipeline"/> facade as the matcher and the gate agent. Immutable once added to
/// its command.
/// </summary>
public sealed class PipelineOptions
{
    private readonly Option<string?> _models = CliOptions.Text("--models", "DIR", "Folder of the fr_*.onnx models (default: .deps/models, found by the setup script).");
    private readonly Option<int?> _threads = CliOptions.Int("--threads", "N", "ONNX Runtime threads per model session (default 1).", 1, 64);
    private readonly Option<bool> _flipAverage = CliOptions.Flag("--flip-average", "Average the embeddings of the face and of its mirror image.");
    private readonly Option<bool> _noLiveness = CliOptions.Flag("--no-liveness", "Skip the liveness model.");

    private readonly Option<string?> _embedder = CliOptions.Choice("--embedder",
        "Which copy of fr_feature embeds (docs/VISION.md): rewritten (default, the published function), published, or int8 (its own model id).",
        "rewritten", "published", "int8");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public PipelineOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_models);
        command.Options.Add(_threads);
        command.Options.Add(_flipAverage);
        command.Options.Add(_noLiveness);
        command.Options.Add(_embedder);
    }

    /// <summary>The pipeline options given on the command line.</summary>
    /// <exception cref="CommandLineException">The models folder does not exist.</exception>
    public FacePipelineOptions Read(ParseResult parsed, bool fallbackToCenterCrop)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var models = parsed.GetValue(_models);
        if (models is not null && !Directory.Exists(models))
        {
            throw new CommandLineException($"--models: folder '{models}' does not exist");
        }

        return new FacePipelineOptions
        {
            ModelsDirectory = models,
            IntraOpNumThreads = parsed.GetValue(_threads) ?? 1,
            FlipAverage = parsed.GetValue(_flipAverage),
            EnableLiveness = !parsed.GetValue(_noLiveness),
            FallbackToCenterCrop = fallbackToCenterCrop,
            EmbedderModel = parsed.GetValue(_embedder) is { } embedder ? Enum.Parse<EmbedderModel>(embedder, ignoreCase: true) : EmbedderModel.Rewritten,
        };
    }

    /// <summary>Checks that <paramref name="path"/> is an existing file (a clear usage error instead of a stack trace).</summary>
    /// <exception cref="CommandLineException">Nothing is there, or it is a folder.</exception>
    public static string ExistingFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new CommandLineException($"'{path}' is a folder, not an image file");
        }

        if (!File.Exists(path))
        {
            throw new CommandLineException($"file '{path}' does not exist");
        }

        return path;
    }
}
