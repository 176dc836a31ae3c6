using System.CommandLine;
using System.Diagnostics;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary><c>detect IMAGE</c>: faces with boxes, landmarks, quality and liveness as one JSON object.</summary>
public sealed class DetectCommand : Command
{
    private readonly Argument<string> _image = new("IMAGE") { Description = "The image file (JPEG, PNG, BMP or WebP)." };
    private readonly PipelineOptions _pipeline;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public DetectCommand(CommandContext context)
        : base("detect", "Find the faces of an image: boxes, landmarks, quality, liveness (one JSON object).")
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
        using var pipeline = new FacePipeline(_pipeline.Read(parsed, fallbackToCenterCrop: false));

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
