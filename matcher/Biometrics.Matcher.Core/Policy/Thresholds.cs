using System.Text.Json;
using System.Text.Json.Serialization;

namespace Biometrics.Matcher.Policy;

/// <summary>
/// The calibrated thresholds of every model, as loaded from <c>calibration.json</c>:
/// <c>{"version": 1, "models": [ { "model_id": ..., "verify": {...}, "watchlist": {...}, "genuine_pairs": ..., "impostor_pairs": ..., "date": ... } ]}</c>.
/// Immutable and thread-safe; <see cref="With"/> returns a new set.
/// </summary>
public sealed class Thresholds
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };
    private readonly Dictionary<string, ModelThresholds> _byModel;

    private Thresholds(Dictionary<string, ModelThresholds> byModel, string? source)
    {
        _byModel = byModel;
        Source = source;
    }

    /// <summary>An empty set (every lookup misses).</summary>
    public static Thresholds Empty { get; } = new(new Dictionary<string, ModelThresholds>(StringComparer.Ordinal), null);

    /// <summary>Where the set was loaded from (a path), or null.</summary>
    public string? Source { get; }

    /// <summary>The models, ordered by model_id.</summary>
    public IReadOnlyList<ModelThresholds> Models => [.. _byModel.Values.OrderBy(m => m.ModelId, StringComparer.Ordinal)];

    /// <summary>Loads and validates a calibration file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid calibration JSON.</exception>
    public static Thresholds Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates calibration JSON.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON, a missing field, a duplicate model_id or a threshold outside [-1, 1.1].</exception>
    public static Thresholds Parse(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        CalibrationFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CalibrationFile>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"calibration file {source}: {ex.Message}", ex);
        }

        if (file?.Models is null)
        {
            throw new InvalidDataException($"calibration file {source}: no \"models\" array");
        }

        var map = new Dictionary<string, ModelThresholds>(StringComparer.Ordinal);
        foreach (var m in file.Models)
        {
            Validate(m, source);
            if (!map.TryAdd(m.ModelId, m))
            {
                throw new InvalidDataException($"calibration file {source}: model_id {m.ModelId} appears twice");
            }
        }

        return new Thresholds(map, source);
    }

    /// <summary>The thresholds of <paramref name="modelId"/>, if calibrated.</summary>
    public bool TryGet(string modelId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelThresholds? thresholds) =>
        _byModel.TryGetValue(modelId, out thresholds);

    /// <summary>A copy with <paramref name="model"/> added or replacing the entry of the same model_id.</summary>
    public Thresholds With(ModelThresholds model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Validate(model, Source);
        var map = new Dictionary<string, ModelThresholds>(_byModel, StringComparer.Ordinal) { [model.ModelId] = model };
        return new Thresholds(map, Source);
    }

    /// <summary>The calibration JSON of this set.</summary>
    public string ToJson() => JsonSerializer.Serialize(new CalibrationFile { Version = 1, Models = [.. Models] }, s_json);

    private static void Validate(ModelThresholds? m, string? source)
    {
        if (m is null || string.IsNullOrWhiteSpace(m.ModelId) || m.Verify is null || m.Watchlist is null || m.Date is null)
        {
            throw new InvalidDataException($"calibration file {source}: an entry lacks model_id, verify, watchlist or date");
        }

        foreach (var (name, e) in new[] { ("verify", m.Verify), ("watchlist", m.Watchlist) })
        {
            if (!float.IsFinite(e.Threshold) || e.Threshold < -1f || e.Threshold > 1.1f)
            {
                throw new InvalidDataException($"calibration file {source}: {m.ModelId} {name} threshold {e.Threshold} is outside [-1, 1.1]");
            }

            if (!(e.TargetFmr > 0 && e.TargetFmr < 1))
            {
                throw new InvalidDataException($"calibration file {source}: {m.ModelId} {name} target_fmr must be in (0, 1)");
            }
        }
    }

    private sealed class CalibrationFile
    {
        [JsonPropertyName("version")]
        public int Version { get; set; } = 1;

        [JsonPropertyName("models")]
        public List<ModelThresholds>? Models { get; set; }
    }
}
