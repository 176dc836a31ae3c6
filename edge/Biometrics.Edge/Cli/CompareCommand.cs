using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

/// <summary><c>compare A B</c>: cosine similarity of the largest faces of two images.</summary>
public sealed class CompareCommand : ICliCommand
{
    public string Name => "compare";

    public string Summary => "cosine similarity of the largest faces of two images (JSON)";

    public string Usage => "biometrics-gate compare IMAGE_A IMAGE_B [options]\n" + PipelineArguments.Usage +
                           "\nThe score is a cosine similarity in [-1, 1]: about 0 for different people, higher for the same person.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var parsed = PipelineArguments.Parse(args);
        parsed.ExpectPositionals("IMAGE_A", "IMAGE_B");
        var a = PipelineArguments.ExistingFile(parsed.Positionals[0]);
        var b = PipelineArguments.ExistingFile(parsed.Positionals[1]);
        using var pipeline = new FacePipeline(PipelineArguments.Options(parsed, fallbackToCenterCrop: true));

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
