using System.Diagnostics;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary><c>detect IMAGE</c>: faces with boxes, landmarks, quality and liveness as one JSON object.</summary>
public sealed class DetectCommand : ICliCommand
{
    public string Name => "detect";

    public string Summary => "find the faces of an image: boxes, landmarks, quality, liveness (JSON)";

    public string Usage => "biometrics-gate detect IMAGE [options]\n" + PipelineArguments.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var parsed = PipelineArguments.Parse(args);
        parsed.ExpectPositionals("IMAGE");
        var path = PipelineArguments.ExistingFile(parsed.Positionals[0]);
        using var pipeline = new FacePipeline(PipelineArguments.Options(parsed, fallbackToCenterCrop: false));

        var clock = Stopwatch.StartNew();
        using var image = Image.Load(path);
        var faces = pipeline.Analyze(image);
        try
        {
            var ms = clock.Elapsed.TotalMilliseconds;
            var json = FaceJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("image", path);
                w.WriteNumber("width", image.Width);
                w.WriteNumber("height", image.Height);
                w.WriteNumber("face_count", faces.Count);
                w.WriteStartArray("faces");
                foreach (var face in faces)
                {
                    FaceJson.Face(w, face);
                }

                w.WriteEndArray();
                FaceJson.Number(w, "ms", ms, 1);
                w.WriteEndObject();
            });
            await context.Out.WriteLineAsync(json).ConfigureAwait(false);
            return CommandDispatcher.Success;
        }
        finally
        {
            foreach (var face in faces)
            {
                face.Dispose();
            }
        }
    }
}
