using System.CommandLine;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary><c>embed IMAGE</c>: the 512-float template of the largest face (centred crop when no face is found).</summary>
public sealed class EmbedCommand : Command
{
    private readonly Argument<string> _image = new("IMAGE") { Description = "The image file (JPEG, PNG, BMP or WebP)." };
    private readonly PipelineOptions _pipeline;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public EmbedCommand(CommandContext context)
        : base("embed", "Print the face template (512-float embedding) of the largest face of an image (JSON); a centred crop when no face is found.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Arguments.Add(_image);
        _pipeline = new PipelineOptions(this);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var context = _context;
        var path = PipelineOptions.ExistingFile(parsed.GetRequiredValue(_image));
        using var pipeline = new FacePipeline(_pipeline.Read(parsed, fallbackToCenterCrop: true));

        var (embedding, analysis) = PairEmbedding.EmbedLargest(pipeline, path);
        var json = FaceJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("image", path);
            w.WriteString("model_id", embedding.ModelId);
            w.WriteBoolean("face_found", !analysis.IsFallback);
            FaceJson.Number(w, "score", analysis.Score, 4);
            w.WriteStartArray("embedding");
            foreach (var v in embedding.Vector)
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        await context.Out.WriteLineAsync(json).ConfigureAwait(false);
        return CommandDispatcher.Success;
    }
}
