using Biometrics.Grpc.IntegrationTests.Fixtures;

namespace Biometrics.Grpc.IntegrationTests;

/// <summary>Debian's python3-grpcio client against our server (the TestServer process).</summary>
public sealed class PythonClientInteropTests(PythonClientRunFixture run) : IClassFixture<PythonClientRunFixture>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in InteropClient.CaseNames) data.Add(c);
        data.Add("health_check");
        data.Add("health_long_service_name");
        data.Add("garbage_request");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PythonClient_InteropCase_Passes(string name)
    {
        var result = run.Result(name);
        Assert.True(result is not null, $"case {name} did not run:\n{run.Output}");
        Assert.True(result.Value.Ok, $"{name}: {result.Value.Detail}\n{run.Output}");
    }
}
