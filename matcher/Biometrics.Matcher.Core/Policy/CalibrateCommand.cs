using System.Globalization;
using System.Numerics.Tensors;

namespace Biometrics.Matcher.Policy;

/// <summary>
/// The library side of the host's <c>calibrate</c> command: reads labelled pairs and produces calibration JSON.
/// Input is tab-separated text, one pair per line; blank lines and lines starting with '#' are skipped, and a first
/// line that does not parse (a header) is skipped too. Two layouts are accepted, detected per line by column count:
/// <list type="bullet">
/// <item><c>score&lt;TAB&gt;label</c> - a precomputed cosine score;</item>
/// <item><c>embedding1&lt;TAB&gt;embedding2&lt;TAB&gt;label</c> - two comma-separated float vectors of the same length,
/// scored here by cosine similarity.</item>
/// </list>
/// Labels: <c>1</c>, <c>genuine</c>, <c>same</c>, <c>mated</c>, <c>true</c> for same-person pairs; <c>0</c>,
/// <c>impostor</c>, <c>different</c>, <c>nonmated</c>, <c>false</c> for different-person pairs.
/// Thread-safe (pure functions).
/// </summary>
public static class CalibrateCommand
{
    /// <summary>Reads labelled scores from TSV text (either layout).</summary>
    /// <exception cref="FormatException">A line (other than a header) that does not parse; the message names the line.</exception>
    public static List<LabelledScore> ReadPairs(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var result = new List<LabelledScore>();
        var lineNo = 0;
        var contentLines = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            contentLines++;
            if (TryParseLine(trimmed, out var pair, out var error))
            {
                result.Add(pair);
            }
            else if (contentLines > 1)
            {
                throw new FormatException($"line {lineNo}: {error}");
            }
        }

        return result;
    }

    /// <summary>Calibrates from TSV input and returns the calibration JSON, merged into <paramref name="existingJson"/> when given.</summary>
    public static string Run(TextReader input, CalibrationOptions options, string? existingJson = null)
    {
        var model = Calibrator.Calibrate(ReadPairs(input), options);
        var set = existingJson is null ? Thresholds.Empty : Thresholds.Parse(existingJson);
        return set.With(model).ToJson();
    }

    /// <summary>Calibrates from a TSV file and writes (or updates) the calibration file; returns the new model entry.</summary>
    public static ModelThresholds RunFile(string inputPath, string calibrationPath, CalibrationOptions options)
    {
        using var reader = new StreamReader(inputPath);
        var model = Calibrator.Calibrate(ReadPairs(reader), options);
        var set = File.Exists(calibrationPath) ? Thresholds.Load(calibrationPath) : Thresholds.Empty;
        var tmp = calibrationPath + ".tmp";
        File.WriteAllText(tmp, set.With(model).ToJson());
        File.Move(tmp, calibrationPath, overwrite: true);
        return model;
    }

    private static bool TryParseLine(string line, out LabelledScore pair, out string error)
    {
        pair = default;
        var cols = line.Split('\t');
        switch (cols.Length)
        {
            case 2:
                if (!float.TryParse(cols[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !float.IsFinite(score))
                {
                    error = $"score '{cols[0]}' is not a finite number";
                    return false;
                }

                if (!TryParseLabel(cols[1], out var genuine))
                {
                    error = $"label '{cols[1]}' is not genuine/impostor (1/0)";
                    return false;
                }

                pair = new LabelledScore(score, genuine);
                error = "";
                return true;
            case 3:
                if (!TryParseVector(cols[0], out var a) || !TryParseVector(cols[1], out var b))
                {
                    error = "embeddings must be comma-separated finite floats";
                    return false;
                }

                if (a.Length != b.Length || a.Length == 0)
                {
                    error = $"embedding lengths differ ({a.Length} vs {b.Length})";
                    return false;
                }

                if (!TryParseLabel(cols[2], out var g2))
                {
                    error = $"label '{cols[2]}' is not genuine/impostor (1/0)";
                    return false;
                }

                var na = TensorPrimitives.Norm(a);
                var nb = TensorPrimitives.Norm(b);
                if (na < 1e-6f || nb < 1e-6f)
                {
                    error = "zero embedding";
                    return false;
                }

                pair = new LabelledScore(TensorPrimitives.Dot(a, b) / (na * nb), g2);
                error = "";
                return true;
            default:
                error = $"expected 2 columns (score, label) or 3 (embedding, embedding, label), got {cols.Length}";
                return false;
        }
    }

    private static bool TryParseVector(string text, out float[] v)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        v = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !float.IsFinite(v[i]))
            {
                return false;
            }
        }

        return parts.Length > 0;
    }

    private static bool TryParseLabel(string text, out bool genuine)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "genuine" or "same" or "mated" or "true" or "match":
                genuine = true;
                return true;
            case "0" or "impostor" or "different" or "nonmated" or "false" or "nonmatch":
                genuine = false;
                return true;
            default:
                genuine = false;
                return false;
        }
    }
}
