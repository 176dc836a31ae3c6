using System.Text.Json;
using System.Text.RegularExpressions;
using Biometrics.Edge.Cli;
using Biometrics.Edge.Connection;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Enrolment;

/// <summary>
/// <c>enrol</c>: enrols one subject from images (<c>--subject ID IMAGE...</c>) or a whole folder tree with one sub-folder
/// per identity (<c>--folder DIR</c>), with a progress bar on the console, one JSON line per subject and a summary line on
/// standard output.
/// </summary>
public sealed partial class EnrolCommand : ICliCommand
{
    private static readonly string[] s_valueOptions = ["subject", "folder", "galleries", "per-subject", "window", .. EdgeConfiguration.ValueOptions];

    private static readonly string[] s_flags = ["unary", "template", "quiet"];

    /// <inheritdoc />
    public string Name => "enrol";

    /// <inheritdoc />
    public string Summary => "enrol a subject from images, or a folder tree (one folder per identity), with progress and a summary";

    /// <inheritdoc />
    public string Usage =>
        "biometrics-gate enrol --subject ID IMAGE [IMAGE...] [options]\n" +
        "biometrics-gate enrol --folder DIR [options]     (one sub-folder per identity; its name is the subject id)\n" +
        "  --galleries a,b          galleries to join (default: the matcher's default, residents)\n" +
        "  --per-subject N          images per identity from a folder tree, 1..10 (default 10; the matcher keeps the best face)\n" +
        "  --window N               requests in flight on the EnrolStream call (default 16)\n" +
        "  --unary                  one Enrol call per subject instead of EnrolStream\n" +
        "  --template               compute the template here (best face of the images) and send it instead of the images\n" +
        "  --quiet                  no progress bar\n" +
        EdgeConfiguration.Usage + "\n" + PipelineArguments.Usage + "  (with --template)\n" +
        "Standard output: one JSON line per subject (status enrolled, rejected_quality, no_face, invalid or failed), then a summary line.\n" +
        "Exit code 0 when every subject was enrolled, 1 otherwise.";

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parsed = PipelineArguments.Parse(args, s_valueOptions, s_flags);
        var config = EdgeConfiguration.Load(parsed);
        var items = Items(parsed, context.Error);
        var galleries = (parsed.Value("galleries") ?? config.Configuration["Enrolment:Galleries"] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var g in galleries)
        {
            if (!GalleryName().IsMatch(g))
            {
                throw new CommandLineException($"gallery name '{g}' must be 1..32 characters of a-z, 0-9, _ and -");
            }
        }

        using var connection = new MatcherConnection(config.Connection(parsed));
        using var pipeline = parsed.Flag("template") ? new FacePipeline(PipelineArguments.Options(parsed, fallbackToCenterCrop: false)) : null;
        var runner = new EnrolmentRunner(connection, pipeline)
        {
            Galleries = galleries,
            Unary = parsed.Flag("unary"),
            Window = parsed.Int("window", 16, 1, 1024),
        };
        var progress = parsed.Flag("quiet") ? null : new ProgressBar(context.Error, items.Count);
        var done = 0;
        var counts = new EnrolSummary();
        var outputLock = new Lock();
        var summary = await runner.RunAsync(items, outcome =>
        {
            lock (outputLock)
            {
                done++;
                counts.Add(outcome);
                context.Out.WriteLine(Json(outcome));
                progress?.Report(done, counts.Describe());
            }
        }, context.CancellationToken).ConfigureAwait(false);
        progress?.Finish(done, summary.Describe());
        await context.Out.WriteLineAsync(summary.ToJson()).ConfigureAwait(false);
        await context.Error.WriteLineAsync($"{summary.Total} subject(s) in {summary.Elapsed.TotalSeconds:F1} s: {summary.Describe()}").ConfigureAwait(false);
        return summary.Enrolled == summary.Total && summary.Total > 0 ? CommandDispatcher.Success : CommandDispatcher.Failure;
    }

    private static List<EnrolmentItem> Items(CommandArguments parsed, TextWriter console)
    {
        var subject = parsed.Value("subject");
        var folder = parsed.Value("folder");
        if ((subject is null) == (folder is null))
        {
            throw new CommandLineException("give either --subject ID with images, or --folder DIR");
        }

        if (subject is not null)
        {
            if (parsed.Positionals.Count is 0 or > EnrolmentFolderWalker.MaxImagesPerRequest)
            {
                throw new CommandLineException($"--subject needs 1..{EnrolmentFolderWalker.MaxImagesPerRequest} image files");
            }

            return [new EnrolmentItem(subject, parsed.Positionals.Select(PipelineArguments.ExistingFile).ToArray())];
        }

        parsed.ExpectPositionals();
        if (!Directory.Exists(folder))
        {
            throw new CommandLineException($"--folder '{folder}' is not a folder");
        }

        var plan = EnrolmentFolderWalker.Walk(folder!, parsed.Int("per-subject", EnrolmentFolderWalker.MaxImagesPerRequest, 1, EnrolmentFolderWalker.MaxImagesPerRequest));
        foreach (var skipped in plan.Skipped)
        {
            console.WriteLine($"skipped {skipped}: no image");
        }

        if (plan.Items.Count == 0)
        {
            throw new CommandLineException($"--folder '{folder}' holds no identity folder with images");
        }

        return [.. plan.Items];
    }

    private static string Json(EnrolmentOutcome o)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "enrolment");
            w.WriteString("subject_id", o.SubjectId);
            w.WriteString("status", o.Status);
            w.WriteString("request_id", o.RequestId);
            w.WriteString("subject_key", o.SubjectKey);
            w.WriteNumber("version", o.Version);
            w.WriteString("model_id", o.ModelId);
            w.WriteString("reason", o.Reason);
            w.WriteBoolean("replayed", o.Replayed);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex GalleryName();
}
