using Biometrics.Grpc.IntegrationTests.Fixtures;

namespace Biometrics.Grpc.IntegrationTests;

/// <summary>Our client against Debian's python3-grpcio server.</summary>
public sealed class PythonServerInteropTests(PythonServerFixture server) : IClassFixture<PythonServerFixture>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in InteropClient.CaseNames) data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task OurClient_InteropCaseAgainstPython_Passes(string name) =>
        new InteropClient(server.Channel).RunAsync(name).WaitAsync(TimeSpan.FromSeconds(60));
}
