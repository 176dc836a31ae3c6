namespace Biometrics.LoadTest.Targets;

/// <summary>gRPC status code numbers to their canonical names (the labels counted in reports).</summary>
public static class GrpcStatusNames
{
    private static readonly string[] s_names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>The name of status <paramref name="code"/> (<c>STATUS_n</c> for unknown numbers).</summary>
    public static string Of(int code) => code >= 0 && code < s_names.Length ? s_names[code] : "STATUS_" + code;
}
