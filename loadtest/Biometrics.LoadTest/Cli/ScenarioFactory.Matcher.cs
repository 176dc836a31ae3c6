using Biometrics.LoadTest.Engine;

namespace Biometrics.LoadTest.Cli;

public static partial class ScenarioFactory
{
    private static IReadOnlyList<Scenario> BuildMatcherScenarios(string kind, ArgumentMap options)
    {
        if (!Kinds.Contains(kind))
        {
            throw new UsageException($"unknown scenario '{kind}' (one of: {string.Join(", ", Kinds)})");
        }

        throw new UsageException($"scenario '{kind}' needs the matcher's gRPC contract and client, which this build does not have yet");
    }
}
