using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Tests;

public sealed class FaceResolverTests
{
    private const string Model = "fr_feature-87aacdfe5751";
    private static readonly FaceResolver Resolver = new(new ModelCatalog(Thresholds.Empty, Model), new MatchingOptions(), embedder: null);

    [Theory]
    [InlineData(511, "embedding_length")]
    [InlineData(0, "empty_face")]
    public async Task ResolveAsync_BadLength_InvalidArgument(int length, string reason)
    {
        var ex = await Assert.ThrowsAsync<MatcherException>(async () => await Resolver.ResolveAsync(FaceInput.FromEmbedding(new float[length], Model), "probe", default));
        Assert.Equal((MatcherErrorKind.InvalidArgument, reason), (ex.Kind, ex.Reason));
    }

    [Theory]
    [InlineData(float.NaN, "embedding_not_finite")]
    [InlineData(float.NegativeInfinity, "embedding_not_finite")]
    [InlineData(0f, "embedding_zero")]
    public void Normalise_BadValues_InvalidArgument(float value, string reason)
    {
        var v = new float[512];
        v[3] = value;
        var ex = Assert.Throws<MatcherException>(() => Resolver.Normalise(v, Model, "probe"));
        Assert.Equal(reason, ex.Reason);
    }

    [Fact]
    public void Normalise_UnknownModel_InvalidArgumentNamingKnownModels()
    {
        var ex = Assert.Throws<MatcherException>(() => Resolver.Normalise(Enumerable.Repeat(1f, 512).ToArray(), "other-model", "probe"));
        Assert.Equal("model_id_unknown", ex.Reason);
        Assert.Contains(Model, ex.Message);
    }

    [Fact]
    public void Normalise_Valid_UnitLength()
    {
        var v = Resolver.Normalise(Enumerable.Repeat(3f, 512).ToArray(), Model, "probe");
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
    }

    [Fact]
    public async Task ResolveAsync_ImageWithoutPipeline_InvalidArgument_OversizeResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<MatcherException>(async () => await Resolver.ResolveAsync(FaceInput.FromImage(new byte[100]), "probe", default));
        Assert.Equal("images_disabled", ex.Reason);
        var big = await Assert.ThrowsAsync<MatcherException>(async () => await Resolver.ResolveAsync(FaceInput.FromImage(new byte[9 * 1024 * 1024]), "probe", default));
        Assert.Equal(MatcherErrorKind.ResourceExhausted, big.Kind);
    }
}
