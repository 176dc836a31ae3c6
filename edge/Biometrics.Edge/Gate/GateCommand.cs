using System.CommandLine;
using Biometrics.Edge.Capture;
using Biometrics.Edge.Cli;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Google.Protobuf;

namespace Biometrics.Edge.Gate;

/// <summary><c>gate SOURCE</c>: runs the lane agent on a camera, a video file, a stream URL or a folder of images.</summary>
public sealed class GateCommand : Command
{
    private readonly Argument<string> _source = new("SOURCE")
    {
        Description = "Camera index (0), video file, stream URL (rtsp://, http://) or folder of images (name order).",
    };

    private readonly Option<double?> _fps = CliOptions.Double("--fps", "N", "Frame rate of an image folder, or of a video file without one (default 10).", 0.1, 1000);
    private readonly Option<string?> _pace = CliOptions.Choice("--pace",
        "Replay files and folders at their frame rate, dropping late frames (realtime, the default), or as fast as possible (fast).", "realtime", "fast");
    private readonly Option<string?> _gateId = CliOptions.Text("--gate-id", "ID", "Gate id (config Lane:GateId; default gate-1).", 64);
    private readonly Option<string?> _laneId = CliOptions.Text("--lane-id", "ID", "Lane id (config Lane:LaneId; default lane-1).", 64);
    private readonly Option<int?> _budgetMs = CliOptions.Int("--budget-ms", "N", "Lane budget from the first usable face to the verdict (config Lane:BudgetMs; default 2000).", 100, 60_000);
    private readonly Option<string?> _qr = CliOptions.Text("--qr", "TOKEN", "A fixed QR token as every traveller's claim (default: read QR codes in the frames).");
    private readonly Option<string?> _subject = CliOptions.Text("--subject", "ID", "A fixed enrolled subject id as every traveller's claim.", 128);
    private readonly Option<string?> _chipPhoto = CliOptions.Text("--chip-photo", "FILE", "A chip photo as every traveller's reference (its embedding, computed here).");
    private readonly Option<bool> _chipPhotoImage = CliOptions.Flag("--chip-photo-image", "Send the chip photo itself as the reference instead of its embedding.");
    private readonly Option<bool> _noQrScan = CliOptions.Flag("--no-qr-scan", "Do not look for QR codes in the frames.");
    private readonly Option<int?> _qrEvery = CliOptions.Int("--qr-every", "N", "Look for a QR code in every N-th frame (default 2).", 1, 1000);
    private readonly Option<int?> _maxProbes = CliOptions.Int("--max-probes", "N", "Best shots sent per traveller (default 5).", 1, 50);
    private readonly Option<int?> _maxRetries = CliOptions.Int("--max-retries", "N", "Edge RETRY verdicts (no usable face, no claim) before REFER (default 2).", 0, 100);
    private readonly Option<double?> _minInterEye = CliOptions.Double("--min-inter-eye", "PX", "Edge quality gate: least distance between the eyes in pixels (default 40).", 0, 10_000);
    private readonly Option<double?> _minSharpness = CliOptions.Double("--min-sharpness", "V", "Edge quality gate: least sharpness (default 40).", 0, 1e9);
    private readonly Option<double?> _minLiveness = CliOptions.Double("--min-liveness", "S", "Edge quality gate: least liveness score (default 0.5).", 0, 1);
    private readonly Option<string?> _videoOut = CliOptions.Text("--video-out", "FILE.avi", "Write the annotated frames (boxes, landmarks, quality, verdict) as MJPG.");
    private readonly Option<string?> _stats = CliOptions.Text("--stats", "FILE", "Write the run's figures as JSON (frames per second, face-to-verdict p50/p99).");
    private readonly Option<bool> _quiet = CliOptions.Flag("--quiet", "No live view on standard error.");
    private readonly MatcherOptions _matcher;
    private readonly PipelineOptions _pipeline;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public GateCommand(CommandContext context)
        : base("gate",
            "Run the lane agent: capture, track, best shot, QR claim, stream to the matcher, verdicts.\n" +
            "Standard output: one JSON line per verdict (decision, score, threshold, reason, transaction_id, timings); " +
            "standard error: the live view and a summary.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Arguments.Add(_source);
        foreach (var option in new Option[]
                 {
                     _subject, _qr, _chipPhoto, _chipPhotoImage, _noQrScan, _qrEvery, _fps, _pace, _gateId, _laneId, _budgetMs, _maxProbes,
                     _maxRetries, _minInterEye, _minSharpness, _minLiveness, _videoOut, _stats, _quiet,
                 })
        {
            Options.Add(option);
        }

        _matcher = new MatcherOptions(this, "a gate token: .data/keys/gate.token under ./run.sh");
        _pipeline = new PipelineOptions(this);
        Validators.Add(result =>
        {
            var claims = new Option[] { _qr, _subject, _chipPhoto }.Count(o => result.GetResult(o) is not null);
            if (claims > 1)
            {
                result.AddError("give at most one of --qr, --subject and --chip-photo");
            }
        });
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var context = _context;
        var config = _matcher.Configuration(parsed);
        var options = AgentOptions(parsed, config);
        var fps = parsed.GetValue(_fps) ?? 10;
        var pace = parsed.GetValue(_pace) == "fast" ? PacingMode.AsFastAsPossible : PacingMode.RealTime;
        var connectionOptions = _matcher.Connection(parsed, config);
        // The source first: a wrong SOURCE is reported before the models load.
        using var source = OpenSource(parsed.GetRequiredValue(_source), fps, pace);
        using var pipeline = new FacePipeline(_pipeline.Read(parsed, fallbackToCenterCrop: false));
        (options.FixedClaim, options.FixedClaimKind) = FixedClaim(parsed, pipeline);
        using var export = Telemetry.EdgeTelemetry.Export(config.Configuration["Telemetry:OtlpEndpoint"]);
        using var connection = new MatcherConnection(connectionOptions);
        var agent = new GateAgent(pipeline, connection, options, context.Out, context.Error);
        var stats = await agent.RunAsync(source, context.CancellationToken).ConfigureAwait(false);
        if (parsed.GetValue(_stats) is { } statsPath)
        {
            // Also after Ctrl+C: the figures of a stopped run are still worth keeping.
            await File.WriteAllTextAsync(statsPath, stats.ToJson(), CancellationToken.None).ConfigureAwait(false);
        }

        return CommandDispatcher.Success;
    }

    private GateAgentOptions AgentOptions(ParseResult parsed, EdgeConfiguration config) => new()
    {
        GateId = Id(config.Text(parsed.GetValue(_gateId), "Lane:GateId", "gate-1"), "Lane:GateId"),
        LaneId = Id(config.Text(parsed.GetValue(_laneId), "Lane:LaneId", "lane-1"), "Lane:LaneId"),
        Budget = TimeSpan.FromMilliseconds(config.Number(parsed.GetValue(_budgetMs), "Lane:BudgetMs", 2000, 100, 60_000)),
        ScanQrCodes = !parsed.GetValue(_noQrScan),
        QrEveryNthFrame = parsed.GetValue(_qrEvery) ?? 2,
        MaxProbes = parsed.GetValue(_maxProbes) ?? 5,
        MaxEdgeRetries = parsed.GetValue(_maxRetries) ?? 2,
        AnnotatedVideoPath = parsed.GetValue(_videoOut),
        LiveView = !parsed.GetValue(_quiet),
        Quality = new Biometrics.Contract.QualityLimits
        {
            MinInterEyePx = (float)(parsed.GetValue(_minInterEye) ?? 40),
            MinSharpness = (float)(parsed.GetValue(_minSharpness) ?? 40),
            MinLiveness = (float)(parsed.GetValue(_minLiveness) ?? 0.5),
        }.Validate(),
    };

    private (Claim?, string) FixedClaim(ParseResult parsed, FacePipeline pipeline)
    {
        if (parsed.GetValue(_qr) is { } token)
        {
            return (new Claim { QrToken = token }, "qr");
        }

        if (parsed.GetValue(_subject) is { } subject)
        {
            return (new Claim { SubjectId = subject }, "subject");
        }

        if (parsed.GetValue(_chipPhoto) is not { } photo)
        {
            return (null, "none");
        }

        PipelineOptions.ExistingFile(photo);
        if (parsed.GetValue(_chipPhotoImage))
        {
            return (new Claim { ReferenceImage = new FaceImage { Data = ByteString.CopyFrom(File.ReadAllBytes(photo)) } }, "chip_photo");
        }

        using var image = Image.Load(photo);
        var faces = pipeline.Analyze(image);
        try
        {
            if (faces.Count == 0)
            {
                throw new InvalidDataException($"{photo}: no face found in the chip photo");
            }

            var embedding = pipeline.Embed(faces[0]);
            var template = new Embedding { ModelId = embedding.ModelId };
            template.Values.AddRange(embedding.ToArray());
            return (new Claim { ReferenceTemplate = template }, "chip_photo");
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }

    // A SOURCE that names nothing is a wrong command line (exit code 2), not a failure of the run.
    private static IFrameSource OpenSource(string spec, double fps, PacingMode pace)
    {
        try
        {
            return FrameSources.Open(spec, fps, pace);
        }
        catch (FileNotFoundException e)
        {
            throw new CommandLineException(e.Message, e);
        }
    }

    // A configured id (the command-line ones are checked by their options).
    private static string Id(string value, string key) =>
        value.Length is >= 1 and <= 64 ? value : throw new CommandLineException($"setting {key} must be 1..64 characters");
}
