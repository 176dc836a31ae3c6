using Biometrics.Edge.Enrolment;

namespace Biometrics.Edge.IntegrationTests.Gate;

public sealed class EnrolmentReportingTests
{
    [Fact]
    public void NameImages_MatcherReasonWithPositions_NamesEveryFile()
    {
        var reason = EnrolmentRunner.NameImages("image 1: no face; image 2: low_quality:sharpness (12 < 40); image 11: x",
            ["/a/first.jpg", "/a/second.jpg"]);

        Assert.Equal("image 1 (first.jpg): no face; image 2 (second.jpg): low_quality:sharpness (12 < 40); image 11: x", reason);
    }

    [Fact]
    public void Describe_NewAndReplayed_CountsAddUpToTheTotal()
    {
        var summary = new EnrolSummary();
        summary.Add(new EnrolmentOutcome("a", EnrolmentOutcome.Enrolled, "r1"));
        summary.Add(new EnrolmentOutcome("b", EnrolmentOutcome.Enrolled, "r2", Replayed: true));
        summary.Add(new EnrolmentOutcome("c", EnrolmentOutcome.Enrolled, "r3", Replayed: true));
        summary.Add(new EnrolmentOutcome("d", EnrolmentOutcome.RejectedQuality, "r4", Replayed: true));

        Assert.StartsWith("enrolled 1 new, 2 replayed, rejected for quality 1,", summary.Describe(), StringComparison.Ordinal);
        Assert.Equal(3, summary.Enrolled);
        Assert.Equal(3, summary.Replayed);
    }
}
