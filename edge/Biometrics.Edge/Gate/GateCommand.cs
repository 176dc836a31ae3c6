using System.Globalization;
using Biometrics.Edge.Capture;
using Biometrics.Edge.Cli;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Google.Protobuf;

namespace Biometrics.Edge.Gate;

/// <summary><c>gate SOURCE</c>: runs the lane agent on a camera, a video file, a stream URL or a folder of images.</summary>
public sealed class GateCommand : ICliCommand
{
    private static readonly string[] s_valueOptions =
    [
        "fps", "pace", "gate-id", "lane-id", "budget-ms", "qr", "subject", "chip-photo", "max-probes", "qr-every", "max-retries",
        "video-out", "stats", "min-inter-eye", "min-sharpness", "min-liveness", .. EdgeConfiguration.ValueOptions,
    ];

    private static readonly string[] s_flags = ["chip-photo-image", "no-qr-scan", "quiet"];

    /// <inheritdoc />
    public string Name => "gate";

    /// <inheritdoc />
    public string Summary => "run the lane agent: capture, track, best shot, QR claim, stream to the matcher, verdicts (JSON lines)";

    /// <inheritdoc />
    public string Usage =>
        "biometrics-gate gate SOURCE [options]\n" +
        "  SOURCE                   camera index (0), video file, stream URL (rtsp://, http://) or folder of images (name order)\n" +
        "  --fps N                  frame rate of an image folder, or of a video file without one (default 10)\n" +
        "  --pace realtime|fast     replay files and folders at their frame rate, dropping late frames (default), or as fast as possible\n" +
        "  --gate-id ID --lane-id ID  (config Lane:GateId, Lane:LaneId; default gate-1, lane-1)\n" +
        "  --budget-ms N            lane budget from first usable face to verdict (config Lane:BudgetMs; default 2000)\n" +
        "  --qr TOKEN | --subject ID | --chip-photo FILE   fixed claim for every traveller (default: read QR codes in the frames)\n" +
        "  --chip-photo-image       send the chip photo itself as the reference (default: its embedding, computed here)\n" +
        "  --no-qr-scan             do not look for QR codes\n" +
        "  --qr-every N             look for a QR code in every N-th frame (default 2)\n" +
        "  --max-probes N           best shots sent per traveller (default 5)\n" +
        "  --max-retries N          edge RETRY verdicts (no usable face / no claim) before REFER (default 2)\n" +
        "  --min-inter-eye PX --min-sharpness V --min-liveness S   edge quality gate (defaults 40, 40, 0.5)\n" +
        "  --video-out FILE.avi     write the annotated frames (boxes, landmarks, quality, verdict)\n" +
        "  --stats FILE             write the run's figures as JSON (frames per second, face-to-verdict p50/p99)\n" +
        "  --quiet                  no live view on standard error\n" +
        EdgeConfiguration.Usage + "\n" + PipelineArguments.Usage + "\n" +
        "Standard output: one JSON line per verdict (decision, score, threshold, reason, transaction_id, timings).";

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parsed = PipelineArguments.Parse(args, s_valueOptions, s_flags);
        parsed.ExpectPositionals("SOURCE");
        var config = EdgeConfiguration.Load(parsed);
        var options = AgentOptions(parsed, config);
        var fps = Double(parsed, "fps", 10, 0.1, 1000);
        var pace = parsed.Value("pace") switch
        {
            null or "realtime" => PacingMode.RealTime,
            "fast" => PacingMode.AsFastAsPossible,
            var other => throw new CommandLineException($"--pace must be realtime or fast, not '{other}'"),
        };
        var connectionOptions = config.Connection(parsed);
        var claimCount = new[] { "qr", "subject", "chip-photo" }.Count(o => parsed.Value(o) is not null);
        if (claimCount > 1)
        {
            throw new CommandLineException("give at most one of --qr, --subject and --chip-photo");
        }

        using var pipeline = new FacePipeline(PipelineArguments.Options(parsed, fallbackToCenterCrop: false));
        (options.FixedClaim, options.FixedClaimKind) = FixedClaim(parsed, pipeline);
        using var source = FrameSources.Open(parsed.Positionals[0], fps, pace);
        using var connection = new MatcherConnection(connectionOptions);
        var agent = new GateAgent(pipeline, connection, options, context.Out, context.Error);
        var stats = await agent.RunAsync(source, context.CancellationToken).ConfigureAwait(false);
        if (parsed.Value("stats") is { } statsPath)
        {
            await File.WriteAllTextAsync(statsPath, stats.ToJson(), context.CancellationToken).ConfigureAwait(false);
        }

        return CommandDispatcher.Success;
    }

    private static GateAgentOptions AgentOptions(CommandArguments parsed, EdgeConfiguration config)
    {
        var options = new GateAgentOptions
        {
            GateId = Id(config.Text(parsed, "gate-id", "Lane:GateId", "gate-1"), "gate id"),
            LaneId = Id(config.Text(parsed, "lane-id", "Lane:LaneId", "lane-1"), "lane id"),
            Budget = TimeSpan.FromMilliseconds(config.Number(parsed, "budget-ms", "Lane:BudgetMs", 2000, 100, 60_000)),
            ScanQrCodes = !parsed.Flag("no-qr-scan"),
            QrEveryNthFrame = parsed.Int("qr-every", 2, 1, 1000),
            MaxProbes = parsed.Int("max-probes", 5, 1, 50),
            MaxEdgeRetries = parsed.Int("max-retries", 2, 0, 100),
            AnnotatedVideoPath = parsed.Value("video-out"),
            LiveView = !parsed.Flag("quiet"),
            Quality = new EdgeQualityLimits
            {
                MinInterEyePx = Double(parsed, "min-inter-eye", 40, 0, 10_000),
                MinSharpness = Double(parsed, "min-sharpness", 40, 0, 1e9),
                MinLiveness = Double(parsed, "min-liveness", 0.5, 0, 1),
            },
        };
        return options;
    }

    private static (Claim?, string) FixedClaim(CommandArguments parsed, FacePipeline pipeline)
    {
        if (parsed.Value("qr") is { } token)
        {
            return (new Claim { QrToken = token }, "qr");
        }

        if (parsed.Value("subject") is { } subject)
        {
            if (subject.Length is 0 or > 128)
            {
                throw new CommandLineException("--subject must be 1..128 characters");
            }

            return (new Claim { SubjectId = subject }, "subject");
        }

        if (parsed.Value("chip-photo") is not { } photo)
        {
            return (null, "none");
        }

        PipelineArguments.ExistingFile(photo);
        if (parsed.Flag("chip-photo-image"))
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

    private static string Id(string value, string what) =>
        value.Length is >= 1 and <= 64 ? value : throw new CommandLineException($"the {what} must be 1..64 characters");

    private static double Double(CommandArguments parsed, string name, double fallback, double min, double max)
    {
        var text = parsed.Value(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v >= min && v <= max))
        {
            throw new CommandLineException($"--{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
        }

        return v;
    }
}
