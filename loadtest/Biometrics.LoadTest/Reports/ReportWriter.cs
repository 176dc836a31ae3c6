using System.Text;

namespace Biometrics.LoadTest.Reports;

/// <summary>Writes every report file of a run into a folder.</summary>
public static class ReportWriter
{
    /// <summary>
    /// Writes <c>{name}.json</c>, <c>{name}.csv</c> (summary), <c>{name}-timeseries.csv</c>, <c>{name}.md</c>
    /// and <c>{name}.html</c> into <paramref name="directory"/> (created if missing) and returns their paths.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(RunReport report, string directory, string name = "report")
    {
        Directory.CreateDirectory(directory);
        var files = new (string File, string Text)[]
        {
            (name + ".json", JsonReport.Render(report)),
            (name + ".csv", CsvReport.RenderSummary(report)),
            (name + "-timeseries.csv", CsvReport.RenderTimeSeries(report)),
            (name + ".md", MarkdownReport.Render(report)),
            (name + ".html", HtmlReport.Render(report)),
        };
        var paths = new List<string>(files.Length);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var (file, text) in files)
        {
            var path = Path.Combine(directory, file);
            File.WriteAllText(path, text, utf8);
            paths.Add(path);
        }

        return paths;
    }
}
