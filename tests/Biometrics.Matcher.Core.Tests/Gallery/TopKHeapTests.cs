using Biometrics.Matcher.Gallery;

namespace Biometrics.Matcher.Core.Tests.Gallery;

public sealed class TopKHeapTests
{
    [Fact]
    public void Offer_ManyScores_KeepsTheLargest()
    {
        var rng = new Random(12);
        var scores = Enumerable.Range(0, 1000).Select(_ => (float)rng.NextDouble()).ToArray();
        var heap = new TopKHeap(10);
        for (var i = 0; i < scores.Length; i++)
        {
            heap.Offer(scores[i], i);
        }

        Assert.Equal(scores.OrderDescending().Take(10).Order(), heap.Scores.ToArray().Order());
        Assert.Equal(heap.Scores.ToArray().Min(), heap.Threshold);
    }

    [Fact]
    public void Offer_Ties_KeepsLowerRowSlots()
    {
        var heap = new TopKHeap(2);
        heap.Offer(0.5f, 7);
        heap.Offer(0.5f, 3);
        heap.Offer(0.5f, 5);
        Assert.Equal([3, 5], heap.RowSlots.ToArray().Order());
    }
}
