using System.CommandLine;
using System.Globalization;
using System.Text;
using Biometrics.Protos.V1;

namespace Biometrics.Edge.Cli;

/// <summary><c>status</c>: what the matcher runs with (Operations.GetStatus): models, galleries, thresholds, quality limits, store.</summary>
public sealed class StatusCommand : Command
{
    private const string TokenHint = "an operator token: --token-file .data/keys/operator.token under ./run.sh";

    private readonly Option<bool> _json = CliOptions.Flag("--json", "Print the answer as one JSON object instead of a table.");
    private readonly MatcherOptions _matcher;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public StatusCommand(CommandContext context)
        : base("status", "Show what the matcher runs with: version, uptime, store, models, galleries, thresholds, quality limits (operator token).")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options.Add(_json);
        _matcher = new MatcherOptions(this, TokenHint);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private Task<int> RunAsync(ParseResult parsed) =>
        MatcherCall.RunAsync(_context, _matcher.Connection(parsed, _matcher.Configuration(parsed)), TokenHint, subjectId: null,
            (connection, call) => connection.Operations.GetStatusAsync(new GetStatusRequest(), call), parsed.GetValue(_json), Table);

    /// <summary>The status as text for a person.</summary>
    public static string Table(MatcherStatus s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var ci = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(ci, $"matcher {s.Version}, up {TimeSpan.FromSeconds(s.UptimeS):c}");
        text.AppendLine(ci, $"store   {(s.StoreAvailable ? "available" : "NOT AVAILABLE")}, change stream at {(s.StreamPosition.Length == 0 ? "-" : s.StreamPosition)}");
        text.AppendLine("models:");
        foreach (var m in s.Models)
        {
            text.AppendLine(ci, $"  {m.ModelId,-28} {m.File,-20} {m.Dimension}-d  {m.ExecutionProvider,-4}  sha256 {m.Sha256}");
        }

        text.AppendLine("galleries:");
        foreach (var g in s.Galleries)
        {
            text.AppendLine(ci, $"  {g.Name,-20} {g.ModelId,-28} {g.Templates,8} templates");
        }

        text.AppendLine("thresholds:");
        foreach (var t in s.Thresholds)
        {
            text.AppendLine(ci, $"  {t.ModelId,-28} verify {t.VerifyThreshold:F4} (FMR {t.VerifyFmr:0.##E+0}), watchlist {t.WatchlistThreshold:F4} (FMR {t.WatchlistFmr:0.##E+0}), from {t.Source}");
        }

        if (s.QualityLimits is { } q)
        {
            text.Append(ci, $"quality limits: eyes >= {q.MinInterEyePx} px, sharpness >= {q.MinSharpness}, brightness {q.MinBrightness}..{q.MaxBrightness}, ");
            text.Append(ci, $"|yaw| <= {q.MaxAbsYawDeg}, |pitch| <= {q.MaxAbsPitchDeg}, liveness >= {q.MinLiveness}");
        }

        return text.ToString().TrimEnd();
    }
}
