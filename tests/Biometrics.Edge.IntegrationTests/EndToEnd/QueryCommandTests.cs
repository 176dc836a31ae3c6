using System.Text.Json;
using Biometrics.Edge.Enrolment;
using Biometrics.Edge.IntegrationTests.Cli;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Matcher.Security;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// <c>status</c>, <c>subject get</c>, <c>subject delete</c> and <c>enrol --template</c> as a user runs them, in-process,
/// against the real matcher (development mode) with the role token files it writes, as under ./run.sh.
/// </summary>
[Collection(GateCollection.Name)]
public sealed class QueryCommandTests(PipelineFixture pipeline, LiveMatcherFixture matcher) : IClassFixture<LiveMatcherFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        if (!matcher.IsRunning) await matcher.StartMatcherAsync();
        await matcher.EnsureEnrolledAsync(pipeline.Pipeline);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string[] Connect(ServiceRole role) => ["--matcher", matcher.Address, "--token-file", matcher.Keys.TokenFile(role)];

    [Fact]
    public async Task Status_OperatorToken_TableAndJson()
    {
        var table = await CliRun.RunAsync(["status", .. Connect(ServiceRole.Operator)]);
        var json = await CliRun.RunAsync(["status", "--json", .. Connect(ServiceRole.Operator)]);

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("residents", table.Out, StringComparison.Ordinal);
        Assert.Contains("store   available", table.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.True(doc.RootElement.GetProperty("store_available").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("galleries").EnumerateArray(), g => g.GetProperty("name").GetString() == "residents");
    }

    [Fact]
    public async Task Status_GateToken_Exit1SayingWhichTokenItNeeds()
    {
        var run = await CliRun.RunAsync(["status", .. Connect(ServiceRole.Gate)]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("operator.token", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectGet_Enrolled_ShowsGalleriesAndVersion()
    {
        var run = await CliRun.RunAsync(["subject", "get", Travellers.WatchedResident, .. Connect(ServiceRole.Operator)]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("residents", run.Out, StringComparison.Ordinal);
        Assert.Contains("version      1", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectGet_Unknown_Exit1NotEnrolled()
    {
        var run = await CliRun.RunAsync(["subject", "get", "nobody-at-all", .. Connect(ServiceRole.Operator)]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("subject 'nobody-at-all' is not enrolled", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrolFolder_NoToken_EverySubjectFailsUnauthenticated()
    {
        // The stream is refused before any answer; the refusal, not the client's own cancellation, must be reported.
        for (var i = 0; i < 10; i++)
        {
            var run = await CliRun.RunAsync("enrol", "--folder", SharedFiles.Face("lfw-color-10"), "--per-subject", "1", "--quiet", "--matcher", matcher.Address);

            Assert.Equal(1, run.ExitCode);
            var failed = run.OutLines.Where(l => l.Contains("\"type\":\"enrolment\"", StringComparison.Ordinal)).ToArray();
            Assert.Equal(10, failed.Length);
            Assert.All(failed, l => Assert.Contains("Unauthenticated", l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task EnrolTemplateThenDelete_WarnsNoQualityThenErases()
    {
        var enrol = await CliRun.RunAsync(["enrol", "--subject", "cli-delete-me", Travellers.Photo("img2"), "--template", "--quiet", .. Connect(ServiceRole.Enrolment)]);
        var get = await CliRun.RunAsync(["subject", "get", "cli-delete-me", .. Connect(ServiceRole.Operator)]);
        var delete = await CliRun.RunAsync(["subject", "delete", "cli-delete-me", .. Connect(ServiceRole.Enrolment)]);
        var again = await CliRun.RunAsync(["subject", "delete", "cli-delete-me", .. Connect(ServiceRole.Enrolment)]);
        var gone = await CliRun.RunAsync(["subject", "get", "cli-delete-me", .. Connect(ServiceRole.Operator)]);

        Assert.True(enrol.ExitCode == 0, enrol.Error);
        Assert.Contains(EnrolCommand.TemplateWarning, enrol.Error, StringComparison.Ordinal);
        Assert.Contains("enrolled 1 new, 0 replayed", enrol.Error, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.Error);
        Assert.Contains("galleries    residents", get.Out, StringComparison.Ordinal);
        Assert.True(delete.ExitCode == 0, delete.Error);
        Assert.Contains("deleted subject cli-delete-me", delete.Out, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not enrolled", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, gone.ExitCode);
    }
}
