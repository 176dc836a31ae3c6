using Biometrics.Edge.Tracking;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.IntegrationTests.Gate;

public sealed class TrackingTests
{
    private static FaceBox Box(float cx, float cy, float size, float score = 0.99f) =>
        new(cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2, score);

    [Fact]
    public void Update_FaceMovingSlightly_KeepsTrackId()
    {
        var tracker = new FaceTracker();
        var first = tracker.Update([Box(320, 240, 100)], 0).Single();
        var second = tracker.Update([Box(328, 244, 104)], 1).Single();

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Hits);
        Assert.Equal(2, second.ConsecutiveHits);
    }

    [Fact]
    public void Update_FaceJumpsAcrossFrame_StartsNewTrack()
    {
        var tracker = new FaceTracker();
        var first = tracker.Update([Box(100, 100, 80)], 0).Single();
        var tracks = tracker.Update([Box(500, 380, 80)], 1);

        Assert.Equal(2, tracks.Count);
        Assert.Contains(tracks, t => t.Id != first.Id && t.IsVisible);
        Assert.False(tracks.Single(t => t.Id == first.Id).IsVisible);
    }

    [Fact]
    public void Update_MissedLongerThanMaxMisses_DropsTrack()
    {
        var tracker = new FaceTracker { MaxMisses = 2 };
        tracker.Update([Box(320, 240, 100)], 0);
        tracker.Update([], 1);
        Assert.Single(tracker.Update([], 2));
        Assert.Empty(tracker.Update([], 3));
    }

    [Fact]
    public void Update_TwoFaces_MatchedToTheirOwnTracks()
    {
        var tracker = new FaceTracker();
        var initial = tracker.Update([Box(200, 240, 100), Box(450, 240, 100)], 0).ToDictionary(t => t.Box.CenterX < 320, t => t.Id);
        var next = tracker.Update([Box(455, 242, 100), Box(205, 238, 100)], 1);

        Assert.Equal(initial[true], next.Single(t => t.Box.CenterX < 320).Id);
        Assert.Equal(initial[false], next.Single(t => t.Box.CenterX > 320).Id);
    }

    [Fact]
    public void Select_LargeCentralFaceAndSmallCornerFace_PicksTheCentralOne()
    {
        var tracker = new FaceTracker();
        var selector = new LaneFaceSelector();
        FaceBox[] faces = [Box(60, 60, 50), Box(320, 250, 160)];
        tracker.Update(faces, 0);
        var lane = selector.Select(tracker.Update(faces, 1), 640, 480);

        Assert.NotNull(lane);
        Assert.Equal(320, lane.Box.CenterX, 1);
    }

    [Fact]
    public void Select_FaceSeenInOneFrameOnly_NotYetStable()
    {
        var tracker = new FaceTracker();
        var selector = new LaneFaceSelector { MinConsecutiveHits = 2 };

        Assert.Null(selector.Select(tracker.Update([Box(320, 240, 150)], 0), 640, 480));
        Assert.NotNull(selector.Select(tracker.Update([Box(320, 240, 150)], 1), 640, 480));
    }

    [Fact]
    public void Select_SlightlyBetterNewcomer_KeepsCurrentTraveller()
    {
        var tracker = new FaceTracker();
        var selector = new LaneFaceSelector();
        for (var i = 0; i < 5; i++)
        {
            selector.Select(tracker.Update([Box(320, 240, 150)], i), 640, 480);
        }

        var current = selector.CurrentTrackId;
        // A slightly larger face appears at the side: not enough to take over the lane.
        FaceBox[] both = [Box(320, 240, 150), Box(520, 240, 160)];
        tracker.Update(both, 5);
        var lane = selector.Select(tracker.Update(both, 6), 640, 480);

        Assert.Equal(current, lane?.Id);
    }

    [Fact]
    public void Offer_FirstShotThenWorseAndBetter_SendsFirstAndClearlyBetterOnly()
    {
        var shots = new BestShotSelector { MaxShots = 3, MinInterval = TimeSpan.FromMilliseconds(100), ImprovementMargin = 0.05 };

        Assert.True(shots.Offer(0.50, TimeSpan.Zero));
        Assert.False(shots.Offer(0.70, TimeSpan.FromMilliseconds(50)));   // too soon
        Assert.False(shots.Offer(0.51, TimeSpan.FromMilliseconds(200)));  // not 5 % better
        Assert.True(shots.Offer(0.60, TimeSpan.FromMilliseconds(300)));
        Assert.True(shots.Offer(0.90, TimeSpan.FromMilliseconds(500)));
        Assert.False(shots.Offer(0.99, TimeSpan.FromMilliseconds(900)));  // MaxShots reached
        Assert.Equal(3, shots.ShotsTaken);
        Assert.Equal(0.90, shots.BestScore, 6);
    }

    [Fact]
    public void Reset_AfterShots_StartsOver()
    {
        var shots = new BestShotSelector { MaxShots = 1 };
        Assert.True(shots.Offer(0.8, TimeSpan.Zero));
        Assert.False(shots.Offer(0.9, TimeSpan.FromSeconds(1)));
        shots.Reset();
        Assert.True(shots.Offer(0.1, TimeSpan.FromSeconds(2)));
    }
}
