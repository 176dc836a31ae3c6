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

    [Fact]
    public void CopyFrom_AnotherHeap_HoldsItsEntriesAndStaysIndependent()
    {
        var source = new TopKHeap(3);
        source.Offer(0.1f, 1);
        source.Offer(0.3f, 2);
        var copy = new TopKHeap(source);
        source.Offer(0.9f, 3);
        source.Offer(0.8f, 4);
        Assert.Equal([1, 2], copy.RowSlots.ToArray().Order());
        copy.CopyFrom(source);
        Assert.Equal([2, 3, 4], copy.RowSlots.ToArray().Order());
        Assert.Equal(0.3f, copy.Threshold);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopKHeap(2).CopyFrom(source));
    }
}
