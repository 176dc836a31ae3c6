using Biometrics.Edge.Connection;
using Biometrics.Edge.Enrolment;
using Biometrics.Edge.Gate;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Protos.V1;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>Every call the edge makes carries a deadline (<c>grpc-timeout</c>) and the bearer token.</summary>
[Collection(GateCollection.Name)] // not beside the timing-sensitive lane tests
public sealed class CallDeadlineTests : IAsyncLifetime
{
    private readonly FakeMatcher _matcher = new();

    public Task InitializeAsync() => _matcher.StartAsync();

    public async Task DisposeAsync() => await _matcher.DisposeAsync();

    [Fact]
    public async Task EveryCall_HealthSessionEnrolAndEnrolStream_SentWithDeadline()
    {
        using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = _matcher.Address, Token = "desk" });
        Assert.True(await connection.CheckAsync(TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)), connection.LastError);

        var clock = TimeProvider.System;
        var open = new GateSessionOpen { GateId = "g", LaneId = "l", SessionId = "s1", Claim = new Claim { SubjectId = "a" }, BudgetMs = 5000 };
        var finals = 0;
        await using (var session = new TravellerSession(connection, open, clock.GetTimestamp() + 5 * clock.TimestampFrequency, (_, final, _) => finals += final ? 1 : 0))
        {
            var e = new Embedding { ModelId = "fr_feature-test" };
            e.Values.AddRange(Enumerable.Repeat(1f / MathF.Sqrt(512), 512));
            session.Send(new Probe { Embedding = e, Quality = new ProbeQuality { Measured = true } });
            session.Start();
            await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));
        }

        var plan = EnrolmentFolderWalker.Walk(SharedFiles.Face("lfw-color-10"), maxImagesPerSubject: 1);
        var unary = await new EnrolmentRunner(connection) { Unary = true }.RunAsync(plan.Items.Take(1).ToList(), _ => { }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var stream = await new EnrolmentRunner(connection).RunAsync(plan.Items.Skip(1).Take(2).ToList(), _ => { }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, finals);
        Assert.Equal((1, 2), (unary.Enrolled, stream.Enrolled));
        Assert.Equal(
            ["/biometrics.v1.Enrolment/Enrol", "/biometrics.v1.Enrolment/EnrolStream", "/biometrics.v1.Matcher/GateSession", "/grpc.health.v1.Health/Check"],
            _matcher.Service.Calls.Select(c => c.Path).Distinct().Order(StringComparer.Ordinal));
        Assert.All(_matcher.Service.Calls, c => Assert.False(string.IsNullOrEmpty(c.Timeout), c.Path + " was sent without a deadline"));
        Assert.All(_matcher.Service.Authorizations, a => Assert.Equal("Bearer desk", a));
    }
}
