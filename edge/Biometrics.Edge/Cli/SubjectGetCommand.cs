using System.CommandLine;
using System.Globalization;
using System.Text;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.Cli;

/// <summary><c>subject get ID</c>: the metadata the matcher keeps for a subject (Enrolment.GetSubject; never the vector).</summary>
public sealed class SubjectGetCommand : Command
{
    private const string TokenHint = "an operator token: --token-file .data/keys/operator.token under ./run.sh";

    private readonly Argument<string> _id = SubjectId();
    private readonly Option<bool> _json = CliOptions.Flag("--json", "Print the answer as one JSON object instead of a table.");
    private readonly MatcherOptions _matcher;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public SubjectGetCommand(CommandContext context)
        : base("get", "Show an enrolled subject: key, model, version, galleries, enrolment time, quality (operator token). Exit code 1 when it is not enrolled.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Arguments.Add(_id);
        Options.Add(_json);
        _matcher = new MatcherOptions(this, TokenHint);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    /// <summary>The subject id argument, 1..128 characters (shared with <see cref="SubjectDeleteCommand"/>).</summary>
    internal static Argument<string> SubjectId()
    {
        var argument = new Argument<string>("ID") { Description = "The subject's identifier, as enrolled (1..128 characters)." };
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { Length: 0 or > 128 } id)
            {
                result.AddError($"ID must be 1..128 characters, not {id.Length}");
            }
        });
        return argument;
    }

    private Task<int> RunAsync(ParseResult parsed)
    {
        var id = parsed.GetRequiredValue(_id);
        return MatcherCall.RunAsync(_context, _matcher.Connection(parsed, _matcher.Configuration(parsed)), TokenHint, id,
            (connection, call) => connection.Enrolment.GetSubjectAsync(new GetSubjectRequest { SubjectId = id }, call), parsed.GetValue(_json),
            info => Table(id, info));
    }

    /// <summary>The subject as text for a person.</summary>
    public static string Table(string id, SubjectInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var ci = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(ci, $"subject      {CliText.Cut(id)}");
        text.AppendLine(ci, $"subject key  {info.SubjectKey}");
        text.AppendLine(ci, $"model        {info.ModelId}");
        text.AppendLine(ci, $"version      {info.Version}");
        text.AppendLine(ci, $"galleries    {string.Join(", ", info.Galleries)}");
        text.AppendLine(ci, $"enrolled at  {DateTimeOffset.FromUnixTimeMilliseconds(info.EnrolledAtMs):yyyy-MM-dd HH:mm:ss} UTC");
        var q = info.Quality;
        text.Append(q is { Measured: true }
            ? string.Create(ci, $"quality      eyes {q.InterEyePx:F1} px, sharpness {q.Sharpness:F1}, brightness {q.Brightness:F0}, yaw {q.YawDeg:F1}, pitch {q.PitchDeg:F1}, roll {q.RollDeg:F1}, liveness {q.Liveness:F3}, detection {q.DetectionScore:F3}")
            : string.Create(ci, $"quality      detection score {q?.DetectionScore ?? 0:F3} (no other figure is kept)"));
        return text.ToString();
    }
}
