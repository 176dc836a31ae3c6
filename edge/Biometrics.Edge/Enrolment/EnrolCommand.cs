using System.CommandLine;
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
public sealed partial class EnrolCommand : Command
{
    /// <summary>The warning printed for <c>--template</c>: the matcher gets no image, so no quality.</summary>
    public const string TemplateWarning =
        "warning: --template sends only the template: the matcher cannot run its quality and liveness gate on it and stores " +
        "no quality figures with the subject; send the images unless they must stay on this desk";

    private readonly Option<string?> _subject = CliOptions.Text("--subject", "ID", "Enrol one subject with this id from the IMAGE files.", 128);
    private readonly Option<string?> _folder = CliOptions.Text("--folder", "DIR", "Enrol a folder tree: one sub-folder per identity, its name is the subject id.");
    private readonly Argument<string[]> _images = new("IMAGE")
    {
        Description = $"With --subject: 1 to {EnrolmentFolderWalker.MaxImagesPerRequest} image files of the subject.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string?> _galleries = CliOptions.Text("--galleries", "a,b", "Galleries to join (config Enrolment:Galleries; default: the matcher's, residents).");
    private readonly Option<int?> _perSubject = CliOptions.Int("--per-subject", "N",
        $"Images per identity from a folder tree (default {EnrolmentFolderWalker.MaxImagesPerRequest}; the matcher keeps the best face).", 1, EnrolmentFolderWalker.MaxImagesPerRequest);
    private readonly Option<int?> _window = CliOptions.Int("--window", "N", "Requests in flight on the EnrolStream call (default 16).", 1, 1024);
    private readonly Option<bool> _unary = CliOptions.Flag("--unary", "One Enrol call per subject instead of EnrolStream.");
    private readonly Option<bool> _template = CliOptions.Flag("--template",
        "Compute the template here (best face of the images) and send it instead of the images; the matcher then cannot check its quality.");
    private readonly Option<bool> _quiet = CliOptions.Flag("--quiet", "No progress bar.");
    private readonly MatcherOptions _matcher;
    private readonly PipelineOptions _pipeline;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public EnrolCommand(CommandContext context)
        : base("enrol",
            "Enrol a subject from images (--subject ID IMAGE...), or a folder tree with one sub-folder per identity (--folder DIR).\n" +
            "Standard output: one JSON line per subject (status enrolled, rejected_quality, no_face, invalid or failed), then a summary line.\n" +
            "Exit code 0 when every subject was enrolled, 1 otherwise.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options.Add(_subject);
        Arguments.Add(_images);
        foreach (var option in new Option[] { _folder, _galleries, _perSubject, _window, _unary, _template, _quiet })
        {
            Options.Add(option);
        }

        _matcher = new MatcherOptions(this, "an enrolment token: .data/keys/enrolment.token under ./run.sh");
        _pipeline = new PipelineOptions(this);
        Validators.Add(result =>
        {
            var subject = result.GetResult(_subject) is not null;
            if (subject == (result.GetResult(_folder) is not null))
            {
                result.AddError("give either --subject ID with images, or --folder DIR");
            }
            else if (!subject && result.GetValue(_images) is { Length: > 0 } images)
            {
                result.AddError($"unexpected argument '{images[0]}': with --folder the images come from the folder");
            }
            else if (subject && result.GetValue(_images) is not { Length: > 0 and <= EnrolmentFolderWalker.MaxImagesPerRequest })
            {
                result.AddError($"--subject needs 1..{EnrolmentFolderWalker.MaxImagesPerRequest} image files");
            }
        });
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var context = _context;
        var config = _matcher.Configuration(parsed);
        var items = Items(parsed, context.Error);
        var galleries = (parsed.GetValue(_galleries) ?? config.Configuration["Enrolment:Galleries"] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var g in galleries)
        {
            if (!GalleryName().IsMatch(g))
            {
                throw new CommandLineException($"gallery name '{g}' must be 1..32 characters of a-z, 0-9, _ and -");
            }
        }

        var template = parsed.GetValue(_template);
        using var connection = new MatcherConnection(_matcher.Connection(parsed, config));
        using var pipeline = template ? new FacePipeline(_pipeline.Read(parsed, fallbackToCenterCrop: false)) : null;
        if (template)
        {
            await context.Error.WriteLineAsync(TemplateWarning).ConfigureAwait(false);
        }

        var runner = new EnrolmentRunner(connection, pipeline)
        {
            Galleries = galleries,
            Unary = parsed.GetValue(_unary),
            Window = parsed.GetValue(_window) ?? 16,
        };
        var progress = parsed.GetValue(_quiet) ? null : new ProgressBar(context.Error, items.Count);
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

    private List<EnrolmentItem> Items(ParseResult parsed, TextWriter console)
    {
        if (parsed.GetValue(_subject) is { } subject)
        {
            return [new EnrolmentItem(subject, parsed.GetRequiredValue(_images).Select(PipelineOptions.ExistingFile).ToArray())];
        }

        var folder = parsed.GetValue(_folder)!;
        if (!Directory.Exists(folder))
        {
            throw new CommandLineException($"--folder '{folder}' is not a folder");
        }

        var plan = EnrolmentFolderWalker.Walk(folder, parsed.GetValue(_perSubject) ?? EnrolmentFolderWalker.MaxImagesPerRequest);
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
            if (o.Files is { } files)
            {
                w.WriteStartArray("images");
                foreach (var file in files)
                {
                    w.WriteStringValue(file);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex GalleryName();
}
