using System.Globalization;
using System.Text;

namespace Biometrics.LoadTest.Reports;

/// <summary>
/// CSV renderings (RFC 4180, invariant culture): a summary with one row per scenario, and a time series with
/// one row per scenario and second.
/// </summary>
public static class CsvReport
{
    /// <summary>One row per scenario: counts, rates and latency percentiles in milliseconds.</summary>
    public static string RenderSummary(RunReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine("scenario,model,measured_s,scheduled,sent,ok,errors,dropped,unfinished,offered_rps,throughput_rps,ok_rps,error_rate,drop_rate,min_ms,mean_ms,p50_ms,p90_ms,p99_ms,p99_9_ms,max_ms,service_p50_ms,service_p99_ms,server_p50_ms,server_p99_ms,peak_in_flight,messages,messages_per_s");
        foreach (var s in report.Scenarios)
        {
            var l = s.Latency;
            Row(sb, s.Name, s.Model, N(s.MeasuredSeconds), s.Scheduled, s.Sent, s.Ok, s.Errors, s.Dropped, s.Unfinished, N(s.OfferedRps), N(s.ThroughputRps), N(s.OkRps),
                N(s.ErrorRate), N(s.DropRate), N(l.MinMs), N(l.MeanMs), N(l.P50Ms), N(l.P90Ms), N(l.P99Ms), N(l.P999Ms), N(l.MaxMs), N(s.ServiceTime.P50Ms), N(s.ServiceTime.P99Ms), s.ServerTime is { } st ? N(st.P50Ms) : string.Empty, s.ServerTime is { } sp ? N(sp.P99Ms) : string.Empty, s.PeakInFlight, s.Messages, N(s.MessagesPerSecond));
        }

        return sb.ToString();
    }

    /// <summary>One row per scenario and second after warm-up.</summary>
    public static string RenderTimeSeries(RunReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine("scenario,second,sent,ok,errors,dropped,completed,p50_ms,p90_ms,p99_ms,max_ms,in_flight_max,messages");
        foreach (var s in report.Scenarios)
        {
            foreach (var t in s.TimeSeries)
            {
                Row(sb, s.Name, t.Second, t.Sent, t.Ok, t.Errors, t.Dropped, t.Completed, N(t.P50Ms), N(t.P90Ms), N(t.P99Ms), N(t.MaxMs), t.InFlightMax, t.Messages);
            }
        }

        return sb.ToString();
    }

    private static string N(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder sb, params object[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var text = Convert.ToString(cells[i], CultureInfo.InvariantCulture) ?? string.Empty;
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                text = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            }

            sb.Append(text);
        }

        sb.Append('\n');
    }
}
