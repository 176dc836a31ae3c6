using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary><c>embed IMAGE</c>: the 512-float template of the largest face (centred crop when no face is found).</summary>
public sealed class EmbedCommand : ICliCommand
{
    public string Name => "embed";

    public string Summary => "print the face template (embedding) of the largest face of an image (JSON)";

    public string Usage => "biometrics-gate embed IMAGE [options]\n" + PipelineArguments.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var parsed = PipelineArguments.Parse(args);
        parsed.ExpectPositionals("IMAGE");
        var path = PipelineArguments.ExistingFile(parsed.Positionals[0]);
        using var pipeline = new FacePipeline(PipelineArguments.Options(parsed, fallbackToCenterCrop: true));

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
