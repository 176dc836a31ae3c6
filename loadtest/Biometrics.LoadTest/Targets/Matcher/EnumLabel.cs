namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>Upper-case report labels of an enum's values (ACCEPT, ENROLLED, ...), computed once so a step does not allocate one per call. Thread-safe.</summary>
/// <typeparam name="T">The enum type.</typeparam>
internal static class EnumLabel<T>
    where T : struct, Enum
{
    private static readonly Dictionary<T, string> s_labels = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString().ToUpperInvariant());

    /// <summary>The label of <paramref name="value"/>.</summary>
    public static string Of(T value) => s_labels.TryGetValue(value, out var label) ? label : value.ToString().ToUpperInvariant();
}
