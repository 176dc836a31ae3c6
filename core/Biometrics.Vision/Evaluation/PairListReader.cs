namespace Biometrics.Vision.Evaluation;

/// <summary>
/// Reads a pairs file: one pair per line, <c>pathA&lt;TAB&gt;pathB&lt;TAB&gt;label</c> with label 1/0, Yes/No
/// (also true/false, same/different), or a CSV with the header <c>file_x,file_y,Decision</c>. Blank lines and lines
/// starting with <c>#</c> are skipped. Used by the edge's <c>eval-pairs</c> and the matcher's <c>calibrate</c>.
/// </summary>
public static class PairListReader
{
    /// <summary>Parses the file's lines.</summary>
    /// <exception cref="InvalidDataException">A malformed line (the message gives the line number).</exception>
    public static IReadOnlyList<LabelledPair> Read(string path)
    {
        var pairs = new List<LabelledPair>();
        var lineNumber = 0;
        char? separator = null;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            separator ??= line.Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
            var fields = line.Split(separator.Value);
            if (pairs.Count == 0 && separator == ',' && IsCsvHeader(fields))
            {
                continue;
            }

            if (fields.Length != 3)
            {
                throw new InvalidDataException(
                    $"{path}:{lineNumber}: expected 3 fields (pathA, pathB, label) separated by {(separator == '\t' ? "tabs" : "commas")}, found {fields.Length}");
            }

            var a = fields[0].Trim();
            var b = fields[1].Trim();
            if (a.Length == 0 || b.Length == 0)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: empty image path");
            }

            var genuine = ParseLabel(fields[2].Trim()) ??
                          throw new InvalidDataException($"{path}:{lineNumber}: label '{fields[2].Trim()}' is not 1/0 or Yes/No");
            pairs.Add(new LabelledPair(a, b, genuine, lineNumber));
        }

        if (pairs.Count == 0)
        {
            throw new InvalidDataException($"{path}: no pairs");
        }

        return pairs;
    }

    // The first CSV line is a header (file_x,file_y,Decision) when its third field is not a label.
    private static bool IsCsvHeader(string[] fields) => fields.Length == 3 && ParseLabel(fields[2].Trim()) is null;

    private static bool? ParseLabel(string label) => label.ToUpperInvariant() switch
    {
        "1" or "YES" or "TRUE" or "SAME" or "GENUINE" => true,
        "0" or "NO" or "FALSE" or "DIFFERENT" or "IMPOSTOR" => false,
        _ => null,
    };
}
