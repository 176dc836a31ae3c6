namespace Biometrics.LoadTest.Reports;

/// <summary>Scale of a chart axis.</summary>
public enum ChartAxis
{
    /// <summary>Linear from zero (or the data minimum).</summary>
    Linear,

    /// <summary>Base-10 logarithmic; non-positive values are clamped to the smallest positive one.</summary>
    Log,
}
