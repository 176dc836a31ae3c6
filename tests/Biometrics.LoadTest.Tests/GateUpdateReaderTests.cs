using Biometrics.LoadTest.Targets.Matcher;
using Biometrics.Protos.V1;
using Google.Protobuf;

namespace Biometrics.LoadTest.Tests;

public sealed class GateUpdateReaderTests
{
    public static TheoryData<GateSessionResponse> Updates() => new()
    {
        new GateSessionResponse(),
        new GateSessionResponse { SessionId = "s1", Final = true },
        new GateSessionResponse { SessionId = "s2", Final = false, Verdict = new Verdict { Decision = Decision.Retry, Reason = "low_quality", Score = 0.2f } },
        new GateSessionResponse { Final = true, Verdict = new Verdict() },
        new GateSessionResponse
        {
            SessionId = "s3",
            Final = true,
            Verdict = new Verdict
            {
                Decision = Decision.Refer, Score = 0.9f, Threshold = 0.5f, Reason = "watchlist_hit", ReasonText = "hit", ModelId = "m", TransactionId = "t", ProbesUsed = 3,
                Timings = new StageTimings { ClaimMs = 1, TotalMs = 2 },
                WatchlistHits = { new WatchlistHit { SubjectKey = "k", Score = 0.8f, Threshold = 0.7f, Gallery = "watchlist" } },
            },
        },
        new GateSessionResponse { Final = true, Verdict = new Verdict { Decision = (Decision)(-3) } },
    };

    [Theory]
    [MemberData(nameof(Updates))]
    public void Read_Update_SameAsGeneratedParser(GateSessionResponse update)
    {
        var (final, decision) = GateUpdateReader.Read(update.ToByteArray());

        var parsed = GateSessionResponse.Parser.ParseFrom(update.ToByteArray());
        Assert.Equal(parsed.Final, final);
        Assert.Equal(parsed.Verdict?.Decision, decision);
    }

    [Fact]
    public void Read_RepeatedVerdicts_MergedAsTheParserDoes()
    {
        // Two occurrences of the verdict field merge: the second has no decision, so the first's stays.
        var first = new GateSessionResponse { Verdict = new Verdict { Decision = Decision.Reject } }.ToByteArray();
        var second = new GateSessionResponse { Final = true, Verdict = new Verdict { Reason = "r" } }.ToByteArray();
        var bytes = first.Concat(second).ToArray();

        Assert.Equal((true, (Decision?)Decision.Reject), GateUpdateReader.Read(bytes));
        Assert.Equal(Decision.Reject, GateSessionResponse.Parser.ParseFrom(bytes).Verdict.Decision);
    }

    [Fact]
    public void Read_Truncated_ThrowsAsTheParser()
    {
        var bytes = new GateSessionResponse { SessionId = "s", Final = true, Verdict = new Verdict { Decision = Decision.Accept } }.ToByteArray();

        Assert.Throws<InvalidProtocolBufferException>(() => GateUpdateReader.Read(bytes.AsSpan(0, bytes.Length - 3)));
    }
}
