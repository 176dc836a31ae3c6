using System.CommandLine;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

/// <summary><c>compare A B</c>: cosine similarity of the largest faces of two images.</summary>
public sealed class CompareCommand : Command
{
    private readonly Argument<string> _imageA = new("IMAGE_A") { Description = "The first image file." };
    private readonly Argument<string> _imageB = new("IMAGE_B") { Description = "The second image file." };
    private readonly PipelineOptions _pipeline;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public CompareCommand(CommandContext context)
        : base("compare", "Cosine similarity of the largest faces of two images (JSON): a score in [-1, 1], about 0 for different people, higher for the same person.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Arguments.Add(_imageA);
        Arguments.Add(_imageB);
        _pipeline = new PipelineOptions(this);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var context = _context;
        var a = PipelineOptions.ExistingFile(parsed.GetRequiredValue(_imageA));
        var b = PipelineOptions.ExistingFile(parsed.GetRequiredValue(_imageB));
        using var pipeline = new FacePipeline(_pipeline.Read(parsed, fallbackToCenterCrop: true));

        var (ea, fa) = PairEmbedding.EmbedLargest(pipeline, a);
        var (eb, fb) = PairEmbedding.EmbedLargest(pipeline, b);
        var json = FaceJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("image_a", a);
            w.WriteString("image_b", b);
            FaceJson.Number(w, "score", ea.Similarity(eb), 6);
            w.WriteBoolean("face_found_a", !fa.IsFallback);
            w.WriteBoolean("face_found_b", !fb.IsFallback);
            w.WriteString("model_id", ea.ModelId);
            w.WriteEndObject();
        });
        await context.Out.WriteLineAsync(json).ConfigureAwait(false);
        return CommandDispatcher.Success;
    }
}
