using System.Text.Json;
using System.Text.Json.Serialization;

namespace Biometrics.LoadTest.Reports;

/// <summary>Writes and reads the JSON report (camelCase, indented): the machine-readable record of a run.</summary>
public static class JsonReport
{
    /// <summary>The serializer options used for reports and scenario files.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON text.</summary>
    public static string Render(RunReport report) => JsonSerializer.Serialize(report, Options);
}
