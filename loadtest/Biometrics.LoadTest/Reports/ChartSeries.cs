namespace Biometrics.LoadTest.Reports;

/// <summary>One line of a chart.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="Color">CSS colour.</param>
/// <param name="Points">Data points in data coordinates, in x order.</param>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);
