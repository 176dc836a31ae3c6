namespace Biometrics.LoadTest.Reports;

/// <summary>The outcome of one service-level objective (a command-line flag such as <c>--p99-ms</c>) for one scenario.</summary>
/// <param name="Scenario">Scenario name.</param>
/// <param name="Objective">What was checked, e.g. <c>p99 &lt;= 10 ms</c>.</param>
/// <param name="Actual">The measured value, formatted.</param>
/// <param name="Passed">Whether the objective was met.</param>
public sealed record SloCheck(string Scenario, string Objective, string Actual, bool Passed);
