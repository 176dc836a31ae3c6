using System.Diagnostics;
using System.Globalization;

namespace Biometrics.Edge.Enrolment;

/// <summary>
/// A text progress bar for the console (<c>[#####.....] 120/1000 12 % 35.2/s ETA 25 s | enrolled 118 ...</c>), redrawn in
/// place with a carriage return at most ten times a second, and finished with a newline. Thread-safe.
/// </summary>
public sealed class ProgressBar
{
    private readonly Lock _lock = new();
    private readonly TextWriter _writer;
    private readonly int _total;
    private readonly int _width;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastDraw;

    /// <summary>Creates a bar for <paramref name="total"/> items.</summary>
    public ProgressBar(TextWriter writer, int total, int width = 30)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _total = Math.Max(0, total);
        _width = Math.Max(5, width);
    }

    /// <summary>The bar text for <paramref name="done"/> items after <paramref name="elapsed"/>, with a trailing note.</summary>
    public static string Render(int done, int total, TimeSpan elapsed, int width, string note)
    {
        var fraction = total == 0 ? 1 : Math.Clamp(done / (double)total, 0, 1);
        var filled = (int)Math.Round(fraction * width);
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var eta = rate > 0 && done < total ? string.Format(CultureInfo.InvariantCulture, " ETA {0:F0} s", (total - done) / rate) : string.Empty;
        return string.Format(CultureInfo.InvariantCulture, "[{0}{1}] {2}/{3} {4,3:F0} % {5:F1}/s{6}{7}",
            new string('#', filled), new string('.', width - filled), done, total, fraction * 100, rate, eta,
            note.Length == 0 ? string.Empty : " | " + note);
    }

    /// <summary>Redraws the bar (throttled unless <paramref name="force"/>).</summary>
    public void Report(int done, string note, bool force = false)
    {
        lock (_lock)
        {
            var now = _clock.Elapsed;
            if (!force && _lastDraw is { } last && now - last < TimeSpan.FromMilliseconds(100))
            {
                return;
            }

            _lastDraw = now;
            _writer.Write("\r" + Render(done, _total, now, _width, note));
            _writer.Flush();
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Finish(int done, string note)
    {
        Report(done, note, force: true);
        lock (_lock)
        {
            _writer.WriteLine();
            _writer.Flush();
        }
    }
}
